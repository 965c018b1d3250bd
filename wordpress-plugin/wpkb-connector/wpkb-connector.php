<?php
/**
 * Plugin Name:       wpkb connector
 * Description:       Tells wpkb which content changed (signed notifications on publish, update, unpublish, trash and term edits), mints short-lived visitor tokens and embeds the wpkb chat widget (shortcode, block, floating bubble).
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            wpkb
 * License:           MIT
 * Text Domain:       wpkb-connector
 * Domain Path:       /languages
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

define('WPKB_CONNECTOR_VERSION', '0.1.0');
define('WPKB_CONNECTOR_FILE', __FILE__);
define('WPKB_CONNECTOR_DIR', __DIR__);

require_once __DIR__ . '/includes/class-wpkb-config.php';
require_once __DIR__ . '/includes/class-wpkb-signer.php';
require_once __DIR__ . '/includes/class-wpkb-notification-log.php';
require_once __DIR__ . '/includes/class-wpkb-notifier.php';
require_once __DIR__ . '/includes/class-wpkb-change-tracker.php';
require_once __DIR__ . '/includes/class-wpkb-settings.php';
require_once __DIR__ . '/includes/class-wpkb-settings-page.php';
require_once __DIR__ . '/includes/class-wpkb-test-notification.php';
require_once __DIR__ . '/includes/class-wpkb-token-route.php';
require_once __DIR__ . '/includes/class-wpkb-chat-embed.php';

add_action('init', static function () {
    load_plugin_textdomain('wpkb-connector', false, dirname(plugin_basename(WPKB_CONNECTOR_FILE)) . '/languages');
}, 0);

(static function () {
    $log = new Wpkb_Notification_Log();
    $notifier = new Wpkb_Notifier($log);

    (new Wpkb_Change_Tracker($notifier))->register();
    (new Wpkb_Settings())->register();
    (new Wpkb_Token_Route())->register();
    (new Wpkb_Chat_Embed())->register();

    if (is_admin()) {
        (new Wpkb_Settings_Page($log))->register();
        (new Wpkb_Test_Notification($notifier))->register();
    }
})();
