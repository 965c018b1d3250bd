<?php
/**
 * The two signatures of wpkb's wire contracts, both HMAC-SHA256 with the shared secret:
 * the notification header `X-Wpkb-Signature: t=<unix>,v1=<hex HMAC(secret, "<t>.<raw body>")>` and the
 * visitor token `v1.<payload>.<sig>` (payload = base64url JSON {site, iat, exp},
 * sig = base64url HMAC(secret, "wpkb-token.v1." . payload), no padding).
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Signer
{
    /** Lifetime of a visitor token in seconds (the contract: ≈ 15 minutes). */
    const TOKEN_TTL = 900;

    /** Value of the X-Wpkb-Signature header for a notification body sent at unix time $t. */
    public static function signature_header(string $secret, string $body, int $t): string
    {
        return 't=' . $t . ',v1=' . hash_hmac('sha256', $t . '.' . $body, $secret);
    }

    /**
     * A visitor token for $site issued at $iat.
     *
     * @return array{token: string, expiresAt: int}
     */
    public static function visitor_token(string $secret, string $site, int $iat): array
    {
        $exp = $iat + self::TOKEN_TTL;
        $json = wp_json_encode(['site' => $site, 'iat' => $iat, 'exp' => $exp], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        $payload = self::base64url((string) $json);
        $signature = self::base64url(hash_hmac('sha256', 'wpkb-token.v1.' . $payload, $secret, true));
        return ['token' => 'v1.' . $payload . '.' . $signature, 'expiresAt' => $exp];
    }

    private static function base64url(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }
}
