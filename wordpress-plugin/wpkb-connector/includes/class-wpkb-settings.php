<?php
/**
 * The stored options and how each is checked before it is saved (Settings API). Registered on `init`,
 * so saving from code (update_option) is checked the same way as saving the settings form.
 *
 * An invalid value keeps the previous one and says why on the settings page. A field the form does not
 * send (the endpoint or secret while a wp-config.php constant defines it) keeps its stored value, and an
 * empty secret field keeps the stored secret: it is never sent back to the browser to be re-submitted.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Settings
{
    /** The settings group of the settings page (options.php checks its nonce and capability). */
    const GROUP = 'wpkb';

    /** Shortest secret accepted: 16 characters (wpkb's own examples use 32 or more). */
    const MIN_SECRET_LENGTH = 16;

    public function register(): void
    {
        add_action('init', [$this, 'register_settings']);
    }

    public function register_settings(): void
    {
        // option => [type, default (null: none, so "never saved" stays distinguishable), sanitizer]
        $settings = [
            Wpkb_Config::OPTION_ENDPOINT => ['string', '', 'sanitize_endpoint'],
            Wpkb_Config::OPTION_SECRET => ['string', '', 'sanitize_secret'],
            Wpkb_Config::OPTION_POST_TYPES => ['array', null, 'sanitize_post_types'],
            Wpkb_Config::OPTION_CHAT_ENDPOINT => ['string', '', 'sanitize_chat_endpoint'],
            Wpkb_Config::OPTION_BUBBLE => ['boolean', false, 'sanitize_bubble'],
        ];
        foreach ($settings as $option => [$type, $default, $sanitizer]) {
            $args = ['type' => $type, 'sanitize_callback' => [$this, $sanitizer]];
            if ($default !== null) {
                $args['default'] = $default;
            }
            register_setting(self::GROUP, $option, $args);
        }
    }

    /** @param mixed $value */
    public function sanitize_endpoint($value): string
    {
        return $this->sanitize_url(Wpkb_Config::OPTION_ENDPOINT, $value, __('Notification endpoint URL', 'wpkb-connector'));
    }

    /** @param mixed $value */
    public function sanitize_chat_endpoint($value): string
    {
        return $this->sanitize_url(Wpkb_Config::OPTION_CHAT_ENDPOINT, $value, __('Chat endpoint URL', 'wpkb-connector'));
    }

    /** @param mixed $value */
    public function sanitize_secret($value): string
    {
        $previous = (string) get_option(Wpkb_Config::OPTION_SECRET, '');
        if (!is_string($value) || trim($value) === '') {
            return $previous;
        }
        $secret = trim($value);
        if (strlen($secret) < self::MIN_SECRET_LENGTH || preg_match('/[\x00-\x20\x7f]/', $secret)) {
            self::error(
                Wpkb_Config::OPTION_SECRET,
                /* translators: %d: minimum number of characters. */
                sprintf(__('Shared secret: use at least %d characters without spaces; the previous secret is kept.', 'wpkb-connector'), self::MIN_SECRET_LENGTH)
            );
            return $previous;
        }
        return $secret;
    }

    /**
     * @param mixed $value slugs from the form's checkboxes (an empty string marks "none checked")
     * @return string[]
     */
    public function sanitize_post_types($value): array
    {
        if (!is_array($value)) {
            $previous = get_option(Wpkb_Config::OPTION_POST_TYPES, null);
            return is_array($previous) ? $previous : array_keys(Wpkb_Config::selectable_post_types());
        }
        $chosen = array_map('strval', $value);
        return array_values(array_intersect(array_keys(Wpkb_Config::selectable_post_types()), $chosen));
    }

    /** @param mixed $value */
    public function sanitize_bubble($value): bool
    {
        return !empty($value) && $value !== '0';
    }

    /**
     * An http(s) URL, or empty; anything else keeps the previous value.
     *
     * @param mixed $value
     */
    private function sanitize_url(string $option, $value, string $label): string
    {
        $previous = (string) get_option($option, '');
        if ($value === null) {
            return $previous;
        }
        $url = trim((string) $value);
        if ($url === '') {
            return '';
        }
        $clean = esc_url_raw($url, ['http', 'https']);
        $host = wp_parse_url($clean, PHP_URL_HOST);
        if ($clean === '' || $clean !== $url || !is_string($host) || $host === '') {
            self::error(
                $option,
                /* translators: 1: field name, 2: the value entered. */
                sprintf(__('%1$s: “%2$s” is not an http:// or https:// address; the previous value is kept.', 'wpkb-connector'), esc_html($label), esc_html($url))
            );
            return $previous;
        }
        return $clean;
    }

    /** Shown by settings_errors(), which prints the message as HTML: callers escape what they insert. */
    private static function error(string $option, string $message): void
    {
        if (function_exists('add_settings_error')) {
            add_settings_error($option, $option . '_invalid', $message, 'error');
        }
    }
}
