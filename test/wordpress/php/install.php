<?php
/**
 * Installs WordPress into the (empty) database of the site config, without a browser, sets pretty
 * permalinks so /wp-json/ routes, activates the wpkb-connector plugin (as the Plugins screen does, its
 * activation checks included) and switches to the suite's minimal theme. Prints {"installed": true, "url": ...}.
 */
define('WP_INSTALLING', true);
require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (is_blog_installed()) {
    wpkb_fail('WordPress is already installed in database ' . DB_NAME);
}

$result = wp_install(
    'Mall de Prueba wpkb',
    'admin',
    'admin@example.invalid',
    false,
    '',
    wpkb_env('WPKB_WP_ADMIN_PASSWORD'),
);
if (is_wp_error($result)) {
    wpkb_fail('wp_install: ' . $result->get_error_message());
}

update_option('permalink_structure', '/%postname%/');
update_option('timezone_string', 'America/Santiago');
update_option('blogdescription', 'Sitio de prueba para wpkb');
// Rewrite rules are rebuilt (with the custom post types) on the first request.
delete_option('rewrite_rules');

require_once ABSPATH . 'wp-admin/includes/plugin.php';
$activated = activate_plugin('wpkb-connector/wpkb-connector.php');
if (is_wp_error($activated)) {
    wpkb_fail('activate_plugin wpkb-connector: ' . $activated->get_error_message());
}
$theme = wp_get_theme('wpkb-test-theme');
if (!$theme->exists() || $theme->errors()) {
    wpkb_fail('wpkb-test-theme is not available (mu-plugins/wpkb-test-theme.php registers it)');
}
switch_theme('wpkb-test-theme');

wpkb_out(['installed' => true, 'url' => home_url(), 'adminId' => (int) $result['user_id']]);
