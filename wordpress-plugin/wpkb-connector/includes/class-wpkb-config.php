<?php
/**
 * The plugin's effective configuration: wp-config.php constants win over the options saved on the
 * settings page.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Config
{
    const OPTION_ENDPOINT = 'wpkb_endpoint';
    const OPTION_SECRET = 'wpkb_secret';
    const OPTION_POST_TYPES = 'wpkb_post_types';
    const OPTION_CHAT_ENDPOINT = 'wpkb_chat_endpoint';
    const OPTION_BUBBLE = 'wpkb_chat_bubble';

    /** Webhook URL of wpkb (`POST`), from WPKB_ENDPOINT or the option. */
    public static function endpoint(): string
    {
        if (self::endpoint_is_constant()) {
            return trim((string) constant('WPKB_ENDPOINT'));
        }
        return trim((string) get_option(self::OPTION_ENDPOINT, ''));
    }

    public static function endpoint_is_constant(): bool
    {
        return defined('WPKB_ENDPOINT');
    }

    /** Shared secret for notifications and visitor tokens, from WPKB_SECRET or the option. */
    public static function secret(): string
    {
        if (self::secret_is_constant()) {
            return (string) constant('WPKB_SECRET');
        }
        return (string) get_option(self::OPTION_SECRET, '');
    }

    public static function secret_is_constant(): bool
    {
        return defined('WPKB_SECRET');
    }

    /** Notifications need both an endpoint and a secret. */
    public static function notifications_configured(): bool
    {
        return self::endpoint() !== '' && self::secret() !== '';
    }

    /**
     * Post types an editor may choose: public ones in the REST API (wpkb reads content over REST),
     * without attachments.
     *
     * @return array<string, WP_Post_Type> by slug
     */
    public static function selectable_post_types(): array
    {
        $types = get_post_types(['public' => true, 'show_in_rest' => true], 'objects');
        unset($types['attachment']);
        return $types;
    }

    /**
     * Slugs of the post types whose changes are announced. Until the setting is saved once, every
     * selectable type is watched; a saved empty choice watches none.
     *
     * @return string[]
     */
    public static function watched_post_types(): array
    {
        $selectable = array_keys(self::selectable_post_types());
        $saved = get_option(self::OPTION_POST_TYPES, null);
        $watched = is_array($saved) ? array_values(array_intersect($selectable, $saved)) : $selectable;
        /**
         * Filters the post types whose changes are sent to wpkb.
         *
         * @param string[] $watched Post type slugs.
         */
        return array_values((array) apply_filters('wpkb_watched_post_types', $watched));
    }

    public static function is_watched(string $post_type): bool
    {
        return in_array($post_type, self::watched_post_types(), true);
    }

    /** The `type` of the wire contract: the post type's REST base (its slug when it has none). */
    public static function rest_base(string $post_type): string
    {
        $object = get_post_type_object($post_type);
        if ($object && is_string($object->rest_base) && $object->rest_base !== '') {
            return $object->rest_base;
        }
        return $post_type;
    }

    /** The chat API URL the widget posts to (`POST …/chat`). */
    public static function chat_endpoint(): string
    {
        return trim((string) get_option(self::OPTION_CHAT_ENDPOINT, ''));
    }

    /** Whether every front-end page gets the floating chat bubble. */
    public static function bubble_enabled(): bool
    {
        return (bool) get_option(self::OPTION_BUBBLE, false);
    }

    /**
     * A secret as the settings page may show it: never in full, only its length and last characters.
     */
    public static function masked_secret(string $secret): string
    {
        $length = strlen($secret);
        if ($length < 24) {
            /* translators: %d: number of characters of the secret. */
            return sprintf(_n('%d character', '%d characters', $length, 'wpkb-connector'), $length);
        }
        /* translators: 1: number of characters of the secret, 2: its last four characters. */
        return sprintf(__('%1$d characters, ending in …%2$s', 'wpkb-connector'), $length, substr($secret, -4));
    }
}
