<?php
/**
 * Router for PHP's built-in server: real files are served as they are, everything else goes to
 * WordPress's front controller (what Apache's rewrite rules would do).
 *
 * Environment (set by the suite's harness):
 *   WPKB_WP_CONFIG  name of the Debian site config: /etc/wordpress/config-<name>.php
 *   WPKB_WP_PLAIN   "1" to serve the site with plain permalinks (REST only via ?rest_route=)
 */
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== null && $path !== '/' && is_file($_SERVER['DOCUMENT_ROOT'] . $path) && !str_ends_with($path, '.php')) {
    return false;
}

$config = getenv('WPKB_WP_CONFIG');
if (is_string($config) && $config !== '') {
    // Debian's wp-config.php honours this before looking at the Host header.
    $_SERVER['WORDPRESS_CONFIG'] = $config;
}
$GLOBALS['wpkb_test_plain_permalinks'] = getenv('WPKB_WP_PLAIN') === '1';

if ($path !== null && str_ends_with($path, '.php') && is_file($_SERVER['DOCUMENT_ROOT'] . $path)) {
    $_SERVER['SCRIPT_NAME'] = $path;
    $_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . $path;
    chdir(dirname($_SERVER['SCRIPT_FILENAME']));
    require $_SERVER['SCRIPT_FILENAME'];
    return true;
}

$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
chdir($_SERVER['DOCUMENT_ROOT']);
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
return true;
