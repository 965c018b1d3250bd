<?php
/**
 * The settings page's "send test notification" button (admin-post action with a nonce): sends one real,
 * signed notification and waits for wpkb's answer, so the status list shows the HTTP status.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Test_Notification
{
    const ACTION = 'wpkb_test_notification';

    /** @var Wpkb_Notifier */
    private $notifier;

    public function __construct(Wpkb_Notifier $notifier)
    {
        $this->notifier = $notifier;
    }

    public function register(): void
    {
        add_action('admin_post_' . self::ACTION, [$this, 'handle']);
    }

    public function handle(): void
    {
        if (!current_user_can(Wpkb_Settings_Page::CAPABILITY)) {
            wp_die(esc_html__('Sorry, you are not allowed to send wpkb notifications.', 'wpkb-connector'), '', ['response' => 403]);
        }
        check_admin_referer(self::ACTION);

        $outcome = 'unconfigured';
        if (Wpkb_Config::notifications_configured()) {
            $hint = self::sample_hint();
            if ($hint === null) {
                $outcome = 'no-types';
            } else {
                $entry = $this->notifier->send($hint, true, 'test');
                $outcome = $entry['status'] === 'ok' ? 'ok' : 'failed';
            }
        }
        wp_safe_redirect(Wpkb_Settings_Page::url(['wpkb-test' => $outcome]));
        exit;
    }

    /**
     * A harmless real hint: "upsert" of the most recently modified public item of a watched type (wpkb
     * re-reads it and rewrites nothing if it did not change), else a "type" hint for the first watched type.
     *
     * @return array{type: string, id: int, event: string, modified_gmt: ?string, title?: string}|null
     */
    public static function sample_hint(): ?array
    {
        $types = Wpkb_Config::watched_post_types();
        if ($types === []) {
            return null;
        }
        $posts = get_posts([
            'post_type' => $types,
            'post_status' => 'publish',
            'has_password' => false,
            'orderby' => 'modified',
            'order' => 'DESC',
            'posts_per_page' => 1,
            'no_found_rows' => true,
            'suppress_filters' => true,
        ]);
        if ($posts && $posts[0] instanceof WP_Post) {
            return Wpkb_Notifier::post_hint($posts[0], 'upsert');
        }
        return ['type' => Wpkb_Config::rest_base($types[0]), 'id' => 0, 'event' => 'type', 'modified_gmt' => null];
    }
}
