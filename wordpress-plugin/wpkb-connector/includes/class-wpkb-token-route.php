<?php
/**
 * GET /wp-json/wpkb/v1/token: a short-lived visitor token for the chat widget, signed with the shared
 * secret (the visitor-token contract). Public on purpose: a token proves "loaded from this site
 * recently", not who the visitor is. Never cached (Cache-Control: no-store), so a cached page never
 * holds a stale token.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Token_Route
{
    const ROUTE_NAMESPACE = 'wpkb/v1';
    const ROUTE = '/token';

    public function register(): void
    {
        add_action('rest_api_init', [$this, 'register_route']);
    }

    /** The route's URL on this site (`/wp-json/…`, or `?rest_route=…` with plain permalinks). */
    public static function url(): string
    {
        return rest_url(self::ROUTE_NAMESPACE . self::ROUTE);
    }

    public function register_route(): void
    {
        register_rest_route(self::ROUTE_NAMESPACE, self::ROUTE, [
            'methods' => WP_REST_Server::READABLE,
            'callback' => [$this, 'mint'],
            'permission_callback' => '__return_true',
        ]);
    }

    public function mint(): WP_REST_Response
    {
        $secret = Wpkb_Config::secret();
        if ($secret === '') {
            $response = rest_convert_error_to_response(new WP_Error(
                'wpkb_not_configured',
                __('wpkb is not configured on this site: no shared secret (Settings → wpkb, or WPKB_SECRET in wp-config.php), so no visitor token can be issued.', 'wpkb-connector'),
                ['status' => 503]
            ));
        } else {
            $response = new WP_REST_Response(Wpkb_Signer::visitor_token($secret, home_url(), time()), 200);
        }
        $response->header('Cache-Control', 'no-store');
        return $response;
    }
}
