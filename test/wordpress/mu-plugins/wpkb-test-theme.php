<?php
/**
 * Plugin Name: wpkb test theme directory
 * Description: Makes the suite's minimal theme (test/wordpress/themes) available: Debian's package ships
 *   no theme, and front-end pages need one to print enqueued scripts (wp_head / wp_footer).
 *   php/install.php switches to it.
 */

if (!defined('ABSPATH')) {
    exit;
}

register_theme_directory(dirname(__DIR__) . '/themes');
