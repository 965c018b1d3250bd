<?php
/**
 * Puts the chat widget on pages: the `[wpkb_chat]` shortcode, the server-rendered "wpkb chat" block and
 * the optional floating bubble on every page. Each renders the widget's custom element
 * `<wpkb-chat endpoint token-url mode lang>` and enqueues its script (assets/wpkb-chat.js). Without a
 * chat endpoint or a secret nothing is shown to visitors (administrators see a one-line hint).
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Chat_Embed
{
    const SCRIPT_HANDLE = 'wpkb-chat';
    const SHORTCODE = 'wpkb_chat';
    const BLOCK = 'wpkb/chat';
    const MODES = ['inline', 'bubble'];

    /** @var bool one floating bubble per page, however many blocks, shortcodes and the option ask for it */
    private $bubble_rendered = false;

    public function register(): void
    {
        add_action('init', [$this, 'register_assets']);
        add_shortcode(self::SHORTCODE, [$this, 'render_shortcode']);
        add_action('wp_footer', [$this, 'render_floating_bubble']);
    }

    public function register_assets(): void
    {
        $script = WPKB_CONNECTOR_DIR . '/assets/wpkb-chat.js';
        wp_register_script(
            self::SCRIPT_HANDLE,
            plugins_url('assets/wpkb-chat.js', WPKB_CONNECTOR_FILE),
            [],
            is_readable($script) ? (string) filemtime($script) : WPKB_CONNECTOR_VERSION,
            true
        );
        register_block_type(WPKB_CONNECTOR_DIR . '/blocks/chat', ['render_callback' => [$this, 'render_block']]);
        // The block's editor strings come from languages/ (WordPress only looks in wp-content/languages by itself).
        wp_set_script_translations(generate_block_asset_handle(self::BLOCK, 'editorScript'), 'wpkb-connector', WPKB_CONNECTOR_DIR . '/languages');
    }

    /** @param array<string, string>|string $atts */
    public function render_shortcode($atts): string
    {
        $atts = shortcode_atts(['mode' => 'inline', 'lang' => ''], is_array($atts) ? $atts : [], self::SHORTCODE);
        return $this->element((string) $atts['mode'], (string) $atts['lang']);
    }

    /** @param array<string, mixed> $attributes */
    public function render_block(array $attributes): string
    {
        $html = $this->element((string) ($attributes['mode'] ?? 'inline'), (string) ($attributes['lang'] ?? ''));
        return $html === '' ? '' : '<div ' . get_block_wrapper_attributes() . '>' . $html . '</div>';
    }

    public function render_floating_bubble(): void
    {
        if (Wpkb_Config::bubble_enabled() && !is_embed() && !is_feed()) {
            echo $this->element('bubble', ''); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped in element().
        }
    }

    /** The widget's element, with every attribute escaped; '' when the widget cannot work here. */
    private function element(string $mode, string $lang): string
    {
        $endpoint = Wpkb_Config::chat_endpoint();
        if ($endpoint === '' || Wpkb_Config::secret() === '') {
            if (!current_user_can('manage_options')) {
                return '';
            }
            return '<p class="wpkb-chat-unconfigured">' . esc_html__('wpkb chat: set the chat endpoint URL and the shared secret in Settings → wpkb to show the chat here.', 'wpkb-connector') . '</p>';
        }
        $mode = in_array($mode, self::MODES, true) ? $mode : 'inline';
        if ($mode === 'bubble') {
            if ($this->bubble_rendered) {
                return '';
            }
            $this->bubble_rendered = true;
        }
        wp_enqueue_script(self::SCRIPT_HANDLE);
        return sprintf(
            '<wpkb-chat endpoint="%1$s" token-url="%2$s" mode="%3$s" lang="%4$s"></wpkb-chat>',
            esc_url($endpoint),
            esc_url(Wpkb_Token_Route::url()),
            esc_attr($mode),
            esc_attr(self::language($lang))
        );
    }

    /** A language tag such as "es" or "es-CL"; otherwise the site language's primary subtag ("es" for es_CL). */
    private static function language(string $lang): string
    {
        $lang = trim($lang);
        if (preg_match('/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/', $lang)) {
            return $lang;
        }
        $locale = strtolower((string) get_locale());
        return preg_match('/^([a-z]{2,3})/', $locale, $match) ? $match[1] : 'es';
    }
}
