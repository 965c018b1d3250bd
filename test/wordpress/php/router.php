<?php
/**
 * Router for PHP's built-in server: real files are served as they are, everything else goes to
 * WordPress's front controller (what Apache's rewrite rules would do).
 *
 * Environment (set by the suite's harness):
 *   WPKB_WP_CONFIG      name of the Debian site config: /etc/wordpress/config-<name>.php
 *   WPKB_WP_PLAIN       "1" to serve the site with plain permalinks (REST only via ?rest_route=)
 *   WPKB_WP_PLUGIN_DIR  the site's WP_PLUGIN_DIR: its static files are served at /wp-content/plugins/
 */
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);

$plugin_dir = getenv('WPKB_WP_PLUGIN_DIR');
if ($path !== null && is_string($plugin_dir) && $plugin_dir !== '' && str_starts_with($path, '/wp-content/plugins/')) {
    // What the web server does for a plugin's assets: the file as it is, nothing above the plugins folder, no PHP.
    $root = realpath($plugin_dir);
    $file = realpath($plugin_dir . substr($path, strlen('/wp-content/plugins')));
    if ($root === false || $file === false || !str_starts_with($file, $root . '/') || !is_file($file) || str_ends_with($file, '.php')) {
        http_response_code(404);
        return true;
    }
    $types = ['js' => 'text/javascript', 'css' => 'text/css', 'json' => 'application/json', 'svg' => 'image/svg+xml', 'png' => 'image/png'];
    header('Content-Type: ' . ($types[pathinfo($file, PATHINFO_EXTENSION)] ?? 'application/octet-stream'));
    header('Content-Length: ' . filesize($file));
    readfile($file);
    return true;
}
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
