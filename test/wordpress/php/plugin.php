<?php
/**
 * What the plugin suite (plugin.test.ts) does inside WordPress beyond posts.php. Reads one JSON command on
 * stdin, prints one JSON result:
 *   {"op": "options", "set"?: {name: value|null}, "get"?: [name, ...]} → {"values": {name: value}}
 *       update_option (so the plugin's sanitizers run) or delete_option for null, then get_option
 *   {"op": "set_acf", "id": 12, "acf": {...}}       → {"row": row}   only the ACF-like meta, no wp_update_post
 *   {"op": "set_terms", "id": 12, "terms": {taxonomy: [name, ...]}} → {"row": row}   only wp_set_object_terms
 *   {"op": "remove_terms", "id": 12, "taxonomy": "t", "names": [...]} → {"row": row}   wp_remove_object_terms
 *   {"op": "multi_save", "id": 12, "titles": [..], "acf": {...}, "terms": {...}} → {"row": row}
 *       several wp_update_post calls, then the meta and the terms, all in this one request
 *   {"op": "publish", "id": 12}                     → {"row": row}   wp_publish_post (what cron does when a scheduled post is due)
 *   {"op": "touch_many", "ids": [12, 13, …]}        → {"rows": [row, …]}   wp_update_post of each, one request
 *   {"op": "set_post_lock", "id": 12}               → {"row": row}   what the editor's heartbeat writes (_edit_lock)
 *   {"op": "add_user", "login": "ed", "role": "editor", "password": "…", "locale"?: "es_ES"} → {"id": 3}
 *   {"op": "set_locale", "login": "admin", "locale": "es_ES"} → {"locale": "es_ES"}
 */
require __DIR__ . '/bootstrap.php';

$input = json_decode(stream_get_contents(STDIN), true);
if (!is_array($input) || !isset($input['op'])) {
    wpkb_fail('plugin.php: expected a JSON command with "op" on stdin');
}
wpkb_as_admin();

function wpkb_user_id(string $login): int
{
    $user = get_user_by('login', $login);
    if (!$user) {
        wpkb_fail("no user $login");
    }
    return (int) $user->ID;
}

switch ($input['op']) {
    case 'options':
        foreach ($input['set'] ?? [] as $name => $value) {
            if ($value === null) {
                delete_option($name);
            } else {
                update_option($name, $value);
            }
        }
        $values = [];
        foreach ($input['get'] ?? [] as $name) {
            $values[$name] = get_option($name, null);
        }
        wpkb_out(['values' => (object) $values]);
        break;

    case 'set_acf':
        wpkb_set_acf((int) $input['id'], $input['acf']);
        wpkb_out(['row' => wpkb_row((int) $input['id'])]);
        break;

    case 'set_terms':
        wpkb_set_terms((int) $input['id'], $input['terms']);
        wpkb_out(['row' => wpkb_row((int) $input['id'])]);
        break;

    case 'remove_terms':
        $result = wp_remove_object_terms((int) $input['id'], $input['names'], $input['taxonomy']);
        if ($result !== true) {
            wpkb_fail('wp_remove_object_terms ' . $input['id'] . ' failed');
        }
        wpkb_out(['row' => wpkb_row((int) $input['id'])]);
        break;

    case 'multi_save':
        $id = (int) $input['id'];
        foreach ($input['titles'] as $title) {
            $result = wp_update_post(wp_slash(['ID' => $id, 'post_title' => $title]), true);
            if (is_wp_error($result)) {
                wpkb_fail("wp_update_post $id: " . $result->get_error_message());
            }
        }
        if (isset($input['acf'])) {
            wpkb_set_acf($id, $input['acf']);
        }
        if (isset($input['terms'])) {
            wpkb_set_terms($id, $input['terms']);
        }
        wpkb_out(['row' => wpkb_row($id)]);
        break;

    case 'publish':
        wp_publish_post((int) $input['id']);
        wpkb_out(['row' => wpkb_row((int) $input['id'])]);
        break;

    case 'touch_many':
        $rows = [];
        foreach ($input['ids'] as $id) {
            $result = wp_update_post(['ID' => (int) $id], true);
            if (is_wp_error($result)) {
                wpkb_fail("wp_update_post $id: " . $result->get_error_message());
            }
            $rows[] = wpkb_row((int) $id);
        }
        wpkb_out(['rows' => $rows]);
        break;

    case 'set_post_lock':
        require_once ABSPATH . 'wp-admin/includes/post.php';
        if (!wp_set_post_lock((int) $input['id'])) {
            wpkb_fail('wp_set_post_lock ' . $input['id'] . ' failed');
        }
        wpkb_out(['row' => wpkb_row((int) $input['id'])]);
        break;

    case 'add_user':
        $id = wp_insert_user([
            'user_login' => $input['login'],
            'user_pass' => $input['password'],
            'user_email' => $input['login'] . '@example.invalid',
            'role' => $input['role'],
            'locale' => $input['locale'] ?? '',
        ]);
        if (is_wp_error($id)) {
            wpkb_fail('wp_insert_user: ' . $id->get_error_message());
        }
        wpkb_out(['id' => (int) $id]);
        break;

    case 'set_locale':
        $result = wp_update_user(['ID' => wpkb_user_id($input['login']), 'locale' => $input['locale']]);
        if (is_wp_error($result)) {
            wpkb_fail('wp_update_user: ' . $result->get_error_message());
        }
        wpkb_out(['locale' => get_user_locale(wpkb_user_id($input['login']))]);
        break;

    default:
        wpkb_fail('plugin.php: unknown op "' . $input['op'] . '"');
}
