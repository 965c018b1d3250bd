<?php
/**
 * Removes the plugin's options when it is deleted from the Plugins screen (constants in
 * wp-config.php are the site owner's to remove).
 *
 * @package wpkb-connector
 */

if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}

foreach (['wpkb_endpoint', 'wpkb_secret', 'wpkb_post_types', 'wpkb_chat_endpoint', 'wpkb_chat_bubble', 'wpkb_notification_log'] as $wpkb_option) {
    delete_option($wpkb_option);
}
