<?php
/**
 * Dependencies of the block's editor script (what a build step would generate; written by hand since
 * index.js uses WordPress's globals only). Bump the version when index.js changes.
 *
 * @package wpkb-connector
 */

return [
    'dependencies' => ['wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n'],
    'version' => '0.1.0',
];
