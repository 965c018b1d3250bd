<?php
/**
 * The last notifications sent (newest first, at most LIMIT), kept in one option that is not autoloaded,
 * for the status list on the settings page. Two requests finishing at the same moment may overwrite each
 * other's entry: the list is a status display, not an audit trail.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Notification_Log
{
    const OPTION = 'wpkb_notification_log';
    const LIMIT = 10;

    /**
     * @param array{time: int, trigger: string, event: string, type: string, id: int, title: string, ok: bool, result: string} $entry
     */
    public function add(array $entry): void
    {
        $entries = $this->entries();
        array_unshift($entries, $entry);
        update_option(self::OPTION, array_slice($entries, 0, self::LIMIT), false);
    }

    /** @return array<int, array<string, mixed>> newest first */
    public function entries(): array
    {
        $entries = get_option(self::OPTION, []);
        return is_array($entries) ? array_values(array_filter($entries, 'is_array')) : [];
    }
}
