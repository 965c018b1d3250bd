<?php
/**
 * Settings → wpkb: the form of the Settings API (notifications and chat widget), the test button and
 * the list of the last notifications. Values defined as wp-config.php constants are shown read-only;
 * the secret is never written into the page.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Settings_Page
{
    const SLUG = 'wpkb';
    const CAPABILITY = 'manage_options';

    /** @var Wpkb_Notification_Log */
    private $log;

    public function __construct(Wpkb_Notification_Log $log)
    {
        $this->log = $log;
    }

    public function register(): void
    {
        add_action('admin_menu', [$this, 'add_page']);
        add_action('admin_init', [$this, 'add_fields']);
        add_filter('plugin_action_links_' . plugin_basename(WPKB_CONNECTOR_FILE), [$this, 'action_links']);
    }

    /** @param array<string, string> $args */
    public static function url(array $args = []): string
    {
        return add_query_arg(array_merge(['page' => self::SLUG], $args), admin_url('options-general.php'));
    }

    public function add_page(): void
    {
        add_options_page(__('wpkb settings', 'wpkb-connector'), 'wpkb', self::CAPABILITY, self::SLUG, [$this, 'render']);
    }

    /**
     * @param string[] $links
     * @return string[]
     */
    public function action_links(array $links): array
    {
        array_unshift($links, '<a href="' . esc_url(self::url()) . '">' . esc_html__('Settings', 'wpkb-connector') . '</a>');
        return $links;
    }

    public function add_fields(): void
    {
        add_settings_section('wpkb_notifications', __('Change notifications', 'wpkb-connector'), [$this, 'notifications_intro'], self::SLUG);
        $this->field(Wpkb_Config::OPTION_ENDPOINT, __('Notification endpoint URL', 'wpkb-connector'), 'endpoint_field', 'wpkb_notifications', !Wpkb_Config::endpoint_is_constant());
        $this->field(Wpkb_Config::OPTION_SECRET, __('Shared secret', 'wpkb-connector'), 'secret_field', 'wpkb_notifications', !Wpkb_Config::secret_is_constant());
        $this->field(Wpkb_Config::OPTION_POST_TYPES, __('Post types to watch', 'wpkb-connector'), 'post_types_field', 'wpkb_notifications', false);

        add_settings_section('wpkb_chat', __('Chat widget', 'wpkb-connector'), [$this, 'chat_intro'], self::SLUG);
        $this->field(Wpkb_Config::OPTION_CHAT_ENDPOINT, __('Chat endpoint URL', 'wpkb-connector'), 'chat_endpoint_field', 'wpkb_chat', true);
        $this->field(Wpkb_Config::OPTION_BUBBLE, __('Floating bubble', 'wpkb-connector'), 'bubble_field', 'wpkb_chat', true);
    }

    public function notifications_intro(): void
    {
        echo '<p>' . esc_html__('When content of a watched post type changes, wpkb receives a signed notification and re-reads that item from the REST API within seconds. The nightly run still reconciles everything.', 'wpkb-connector') . '</p>';
    }

    public function chat_intro(): void
    {
        echo '<p>' . esc_html__('The chat widget: the [wpkb_chat] shortcode, the “wpkb chat” block, or a floating bubble on every page. Visitors get a short-lived token from this site (signed with the shared secret), never the secret itself.', 'wpkb-connector') . '</p>';
    }

    public function endpoint_field(): void
    {
        if (Wpkb_Config::endpoint_is_constant()) {
            $endpoint = Wpkb_Config::endpoint();
            echo '<code>' . esc_html($endpoint !== '' ? $endpoint : '—') . '</code>';
            self::description(self::constant_note('WPKB_ENDPOINT'));
            return;
        }
        printf(
            '<input type="url" class="regular-text code" id="%1$s" name="%1$s" value="%2$s" placeholder="https://example.execute-api.us-east-1.amazonaws.com/prod/webhook" />',
            esc_attr(Wpkb_Config::OPTION_ENDPOINT),
            esc_attr((string) get_option(Wpkb_Config::OPTION_ENDPOINT, ''))
        );
        self::description(__('wpkb’s webhook address (POST /webhook): the cloud endpoint, or `wpkb serve` on a developer’s machine.', 'wpkb-connector'));
    }

    public function secret_field(): void
    {
        if (Wpkb_Config::secret_is_constant()) {
            $secret = Wpkb_Config::secret();
            echo '<code>' . esc_html($secret !== '' ? Wpkb_Config::masked_secret($secret) : '—') . '</code>';
            self::description(self::constant_note('WPKB_SECRET'));
            return;
        }
        printf(
            '<input type="password" class="regular-text code" id="%1$s" name="%1$s" value="" autocomplete="new-password" spellcheck="false" />',
            esc_attr(Wpkb_Config::OPTION_SECRET)
        );
        $stored = (string) get_option(Wpkb_Config::OPTION_SECRET, '');
        if ($stored !== '') {
            /* translators: %s: length and last characters of the stored secret. */
            self::description(sprintf(__('A secret is stored (%s). Leave the field empty to keep it.', 'wpkb-connector'), Wpkb_Config::masked_secret($stored)));
        } else {
            /* translators: %d: minimum number of characters. */
            self::description(sprintf(__('The same secret as wpkb’s configuration, at least %d characters. It signs notifications and visitor tokens.', 'wpkb-connector'), Wpkb_Settings::MIN_SECRET_LENGTH));
        }
    }

    public function post_types_field(): void
    {
        $watched = Wpkb_Config::watched_post_types();
        echo '<fieldset><legend class="screen-reader-text">' . esc_html__('Post types to watch', 'wpkb-connector') . '</legend>';
        // Sent even when no box is checked, so "none" can be saved.
        printf('<input type="hidden" name="%s[]" value="" />', esc_attr(Wpkb_Config::OPTION_POST_TYPES));
        foreach (Wpkb_Config::selectable_post_types() as $slug => $type) {
            printf(
                '<label><input type="checkbox" name="%1$s[]" value="%2$s"%3$s /> %4$s <code>%5$s</code></label><br />',
                esc_attr(Wpkb_Config::OPTION_POST_TYPES),
                esc_attr($slug),
                checked(in_array($slug, $watched, true), true, false),
                esc_html($type->labels->name),
                esc_html(Wpkb_Config::rest_base($slug))
            );
        }
        echo '</fieldset>';
        self::description(__('The types wpkb reads (public types in the REST API). The code is the type’s REST base, sent as “type”.', 'wpkb-connector'));
    }

    public function chat_endpoint_field(): void
    {
        printf(
            '<input type="url" class="regular-text code" id="%1$s" name="%1$s" value="%2$s" placeholder="https://example.execute-api.us-east-1.amazonaws.com/prod/chat" />',
            esc_attr(Wpkb_Config::OPTION_CHAT_ENDPOINT),
            esc_attr(Wpkb_Config::chat_endpoint())
        );
        self::description(__('The chat API the widget talks to (POST /chat). Without it, no widget is shown.', 'wpkb-connector'));
    }

    public function bubble_field(): void
    {
        printf('<input type="hidden" name="%s" value="0" />', esc_attr(Wpkb_Config::OPTION_BUBBLE));
        printf(
            '<label><input type="checkbox" id="%1$s" name="%1$s" value="1"%2$s /> %3$s</label>',
            esc_attr(Wpkb_Config::OPTION_BUBBLE),
            checked(Wpkb_Config::bubble_enabled(), true, false),
            esc_html__('Show the chat as a floating bubble on every page', 'wpkb-connector')
        );
    }

    public function render(): void
    {
        if (!current_user_can(self::CAPABILITY)) {
            return;
        }
        echo '<div class="wrap"><h1>' . esc_html(get_admin_page_title()) . '</h1>';
        $this->test_result_notice();
        echo '<form action="options.php" method="post">';
        settings_fields(Wpkb_Settings::GROUP);
        do_settings_sections(self::SLUG);
        submit_button();
        echo '</form>';
        $this->test_form();
        $this->status_list();
        echo '</div>';
    }

    private function test_form(): void
    {
        echo '<h2>' . esc_html__('Test', 'wpkb-connector') . '</h2>';
        echo '<form action="' . esc_url(admin_url('admin-post.php')) . '" method="post">';
        echo '<input type="hidden" name="action" value="' . esc_attr(Wpkb_Test_Notification::ACTION) . '" />';
        wp_nonce_field(Wpkb_Test_Notification::ACTION);
        echo '<p>' . esc_html__('Sends an “upsert” for the most recently modified public item of a watched type (or a “type” hint when there is none) and waits for wpkb’s answer.', 'wpkb-connector') . '</p>';
        $attributes = Wpkb_Config::notifications_configured() ? null : ['disabled' => 'disabled'];
        submit_button(__('Send test notification', 'wpkb-connector'), 'secondary', 'wpkb-send-test', false, $attributes);
        echo '</form>';
    }

    private function test_result_notice(): void
    {
        // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only selects which message to show.
        $outcome = isset($_GET['wpkb-test']) ? sanitize_key(wp_unslash($_GET['wpkb-test'])) : '';
        if ($outcome === '') {
            return;
        }
        $entries = $this->log->entries();
        if ($outcome === 'ok' && $entries) {
            /* translators: %s: the answer, e.g. "HTTP 202". */
            self::notice('success', sprintf(__('Test notification accepted: %s', 'wpkb-connector'), self::result_text($entries[0])));
        } elseif ($outcome === 'failed' && $entries) {
            /* translators: %s: the answer or error. */
            self::notice('error', sprintf(__('Test notification failed: %s', 'wpkb-connector'), self::result_text($entries[0])));
        } elseif ($outcome === 'unconfigured') {
            self::notice('error', __('Set the notification endpoint URL and the shared secret first.', 'wpkb-connector'));
        } elseif ($outcome === 'no-types') {
            self::notice('error', __('Choose at least one post type to watch.', 'wpkb-connector'));
        }
    }

    private function status_list(): void
    {
        echo '<h2>' . esc_html__('Last notifications', 'wpkb-connector') . '</h2>';
        $entries = $this->log->entries();
        if ($entries === []) {
            echo '<p>' . esc_html__('No notification sent yet.', 'wpkb-connector') . '</p>';
            return;
        }
        echo '<p>' . esc_html__('Notifications from changes do not wait for wpkb’s answer (the editor is never kept waiting), so they show “sent”; the test button shows the HTTP answer.', 'wpkb-connector') . '</p>';
        echo '<table class="widefat striped wpkb-notification-log"><thead><tr>';
        foreach ([__('Time', 'wpkb-connector'), __('Trigger', 'wpkb-connector'), __('Event', 'wpkb-connector'), __('Type', 'wpkb-connector'), __('Item', 'wpkb-connector'), __('Result', 'wpkb-connector')] as $heading) {
            echo '<th scope="col">' . esc_html($heading) . '</th>';
        }
        echo '</tr></thead><tbody>';
        $format = get_option('date_format') . ' ' . get_option('time_format');
        foreach ($entries as $entry) {
            $id = isset($entry['id']) ? (int) $entry['id'] : 0;
            $title = isset($entry['title']) ? (string) $entry['title'] : '';
            $item = $id === 0 ? '—' : trim('#' . $id . ' ' . $title);
            $trigger = ($entry['trigger'] ?? '') === 'test' ? __('test button', 'wpkb-connector') : __('change', 'wpkb-connector');
            echo '<tr>';
            echo '<td>' . esc_html((string) wp_date($format, isset($entry['time']) ? (int) $entry['time'] : 0)) . '</td>';
            echo '<td>' . esc_html($trigger) . '</td>';
            echo '<td><code>' . esc_html((string) ($entry['event'] ?? '')) . '</code></td>';
            echo '<td><code>' . esc_html((string) ($entry['type'] ?? '')) . '</code></td>';
            echo '<td>' . esc_html($item) . '</td>';
            echo '<td>' . esc_html(self::result_text($entry)) . '</td>';
            echo '</tr>';
        }
        echo '</tbody></table>';
    }

    /** @param array<string, mixed> $entry */
    private static function result_text(array $entry): string
    {
        $code = isset($entry['code']) ? (int) $entry['code'] : 0;
        $detail = isset($entry['detail']) ? (string) $entry['detail'] : '';
        switch ($entry['status'] ?? '') {
            case 'ok':
                return 'HTTP ' . $code;
            case 'failed':
                return trim('HTTP ' . $code . ' ' . $detail);
            case 'error':
                /* translators: %s: the transport error, e.g. "Connection refused". */
                return sprintf(__('error: %s', 'wpkb-connector'), $detail);
            default:
                return __('sent', 'wpkb-connector');
        }
    }

    private static function notice(string $type, string $message): void
    {
        printf('<div class="notice notice-%1$s"><p>%2$s</p></div>', esc_attr($type), esc_html($message));
    }

    private static function description(string $text): void
    {
        echo '<p class="description">' . esc_html($text) . '</p>';
    }

    private static function constant_note(string $constant): string
    {
        /* translators: %s: constant name, e.g. WPKB_ENDPOINT. */
        return sprintf(__('Defined by %s in wp-config.php (the constant wins over this page).', 'wpkb-connector'), $constant);
    }

    private function field(string $option, string $title, string $callback, string $section, bool $editable): void
    {
        add_settings_field($option, $title, [$this, $callback], self::SLUG, $section, $editable ? ['label_for' => $option] : []);
    }
}
