<?php
/**
 * Sends one change notification to wpkb: the JSON body of the webhook contract, signed in the
 * X-Wpkb-Signature header, with wp_remote_post. Every attempt goes to the status list; failures also
 * go to the PHP error log (never to the editor's screen).
 *
 * Blocking (the settings page's test button) waits for the answer and records its HTTP status.
 * Non-blocking (notifications from hooks) does not read the answer, so it records "sent" or the
 * transport error.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Notifier
{
    /** Seconds a notification from a hook may take (connect, TLS and send); filter: wpkb_notification_timeout. */
    const HOOK_TIMEOUT = 2;
    /** Seconds the test button waits for wpkb's answer. */
    const TEST_TIMEOUT = 10;

    /** @var Wpkb_Notification_Log */
    private $log;

    public function __construct(Wpkb_Notification_Log $log)
    {
        $this->log = $log;
    }

    /**
     * The raw body: exactly the contract's fields, in its order.
     *
     * @param array{type: string, id: int, event: string, modified_gmt: ?string} $hint
     */
    public static function body(array $hint): string
    {
        return (string) wp_json_encode(
            [
                'site' => home_url(),
                'type' => (string) $hint['type'],
                'id' => (int) $hint['id'],
                'event' => (string) $hint['event'],
                'modified_gmt' => $hint['modified_gmt'],
            ],
            JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        );
    }

    /**
     * The hint for an existing post (its title only goes to the status list, never on the wire).
     *
     * @return array{type: string, id: int, event: string, modified_gmt: ?string, title: string}
     */
    public static function post_hint(WP_Post $post, string $event): array
    {
        $gmt = (string) $post->post_modified_gmt;
        return [
            'type' => Wpkb_Config::rest_base($post->post_type),
            'id' => (int) $post->ID,
            'event' => $event,
            // `Y-m-d\TH:i:s` as the REST API writes modified_gmt; null for WordPress's zero date.
            'modified_gmt' => $gmt === '' || strpos($gmt, '0000-00-00') === 0 ? null : mysql_to_rfc3339($gmt),
            'title' => (string) $post->post_title,
        ];
    }

    /**
     * Sends a hint and records the attempt.
     *
     * @param array{type: string, id: int, event: string, modified_gmt: ?string, title?: string} $hint
     * @param string $trigger "hook" or "test" (shown in the status list).
     * @return array<string, mixed> the status list entry
     */
    public function send(array $hint, bool $blocking, string $trigger): array
    {
        $endpoint = Wpkb_Config::endpoint();
        $body = self::body($hint);
        $timeout = $blocking ? self::TEST_TIMEOUT : (float) apply_filters('wpkb_notification_timeout', self::HOOK_TIMEOUT);
        $response = wp_remote_post($endpoint, [
            'body' => $body,
            'headers' => [
                'Content-Type' => 'application/json',
                'X-Wpkb-Signature' => Wpkb_Signer::signature_header(Wpkb_Config::secret(), $body, time()),
            ],
            'timeout' => $timeout,
            'blocking' => $blocking,
            'redirection' => 0,
            'user-agent' => 'wpkb-connector/' . WPKB_CONNECTOR_VERSION . '; ' . home_url(),
        ]);

        $entry = [
            'time' => time(),
            'trigger' => $trigger,
            'event' => (string) $hint['event'],
            'type' => (string) $hint['type'],
            'id' => (int) $hint['id'],
            'title' => isset($hint['title']) ? (string) $hint['title'] : '',
            'status' => 'sent',
            'code' => 0,
            'detail' => '',
        ];
        if (is_wp_error($response)) {
            $entry['status'] = 'error';
            $entry['detail'] = $response->get_error_message();
        } elseif ($blocking) {
            $code = (int) wp_remote_retrieve_response_code($response);
            $entry['status'] = $code >= 200 && $code < 300 ? 'ok' : 'failed';
            $entry['code'] = $code;
            $entry['detail'] = self::excerpt((string) wp_remote_retrieve_body($response));
        }
        if ($entry['status'] === 'error' || $entry['status'] === 'failed') {
            // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- failures go to the log, not to editors.
            error_log(sprintf(
                'wpkb-connector: %s notification %s %s/%d to %s failed: %s',
                $trigger,
                $entry['event'],
                $entry['type'],
                $entry['id'],
                $endpoint,
                $entry['code'] ? 'HTTP ' . $entry['code'] . ' ' . $entry['detail'] : $entry['detail']
            ));
        }
        $this->log->add($entry);
        return $entry;
    }

    /** The start of an answer, on one line, for the status list. */
    private static function excerpt(string $text): string
    {
        $line = trim((string) preg_replace('/\s+/', ' ', $text));
        return function_exists('mb_strimwidth') ? mb_strimwidth($line, 0, 200, '…', 'UTF-8') : substr($line, 0, 200);
    }
}
