<?php
/**
 * Seeds and mutates content. Reads one JSON command on stdin, prints one JSON result:
 *   {"op": "insert", "specs": [spec, ...]}                  → {"rows": [row, ...]}
 *   {"op": "update", "id": 12, "title"?, "content"?, "excerpt"?, "status"?, "password"?, "acf"?}
 *                                                           → {"row": row}  (wp_update_post)
 *   {"op": "update_many", "updates": [{"id": 12, …as update}, …]} → {"rows": [row, …]}  (one request)
 *   {"op": "trash", "id": 12}                               → {"row": row}  (wp_trash_post)
 *   {"op": "untrash", "id": 12, "restorePreviousStatus"?: true} → {"row": row}  (wp_untrash_post)
 *   {"op": "delete", "id": 12}                              → {"deleted": 12} (wp_delete_post, forced)
 *   {"op": "get", "id": 12}                                 → {"row": row}
 *   {"op": "set_acf", "id": 12, "acf": {...}|false}          → {"row": row}  (post meta only: modified_gmt stays)
 *   {"op": "create_terms", "taxonomy": "t", "names": [...]} → {"terms": [{id, name}, ...]} (wp_insert_term)
 *   {"op": "rename_term", "taxonomy": "t", "name": "a", "to": "b"} → {"term": {id, name}} (wp_update_term)
 *   {"op": "delete_term", "taxonomy": "t", "name": "a"}     → {"deleted": id} (wp_delete_term)
 *   {"op": "option", "name": "n", "value": "v"}             → {"option": "n"} (update_option)
 * A spec is {type, title, content?, excerpt?, status?, password?, date?, slug?, acf?, terms?, trash?};
 * "update" takes "terms" too ({taxonomy: [name, ...]}).
 */
require __DIR__ . '/bootstrap.php';

$input = json_decode(stream_get_contents(STDIN), true);
if (!is_array($input) || !isset($input['op'])) {
    wpkb_fail('posts.php: expected a JSON command with "op" on stdin');
}
wpkb_as_admin();

/** wp_update_post of the given fields, then the ACF-like meta and the terms (what an editor's save does). */
function wpkb_update_one(array $input): array
{
    $id = (int) $input['id'];
    if (!get_post($id)) {
        wpkb_fail("update: post $id not found");
    }
    $postarr = ['ID' => $id];
    $fields = ['title' => 'post_title', 'content' => 'post_content', 'excerpt' => 'post_excerpt', 'status' => 'post_status', 'password' => 'post_password'];
    foreach ($fields as $key => $field) {
        if (array_key_exists($key, $input)) {
            $postarr[$field] = $input[$key];
        }
    }
    $result = wp_update_post(wp_slash($postarr), true);
    if (is_wp_error($result)) {
        wpkb_fail("wp_update_post $id: " . $result->get_error_message());
    }
    if (array_key_exists('acf', $input)) {
        wpkb_set_acf($id, $input['acf']);
    }
    if (array_key_exists('terms', $input)) {
        wpkb_set_terms($id, $input['terms']);
    }
    return wpkb_row($id);
}

switch ($input['op']) {
    case 'insert':
        $rows = [];
        foreach ($input['specs'] as $spec) {
            $rows[] = wpkb_insert($spec);
        }
        wpkb_out(['rows' => $rows]);
        break;

    case 'update':
        wpkb_out(['row' => wpkb_update_one($input)]);
        break;

    case 'update_many':
        // Several posts in ONE request, as an import or a bulk edit saves them.
        $rows = [];
        foreach ($input['updates'] as $update) {
            $rows[] = wpkb_update_one($update);
        }
        wpkb_out(['rows' => $rows]);
        break;

    case 'set_acf':
        // Post meta written without wp_update_post (an import, a script): modified_gmt does not move.
        $id = (int) $input['id'];
        if (!get_post($id)) {
            wpkb_fail("set_acf: post $id not found");
        }
        wpkb_set_acf($id, $input['acf']);
        wpkb_out(['row' => wpkb_row($id)]);
        break;

    case 'trash':
        $id = (int) $input['id'];
        if (!wp_trash_post($id)) {
            wpkb_fail("wp_trash_post $id failed");
        }
        wpkb_out(['row' => wpkb_row($id)]);
        break;

    case 'untrash':
        $id = (int) $input['id'];
        if (!empty($input['restorePreviousStatus'])) {
            // Core's own callback: restore the status from before the trash instead of "draft" (WordPress 5.6+).
            add_filter('wp_untrash_post_status', 'wp_untrash_post_set_previous_status', 10, 3);
        }
        if (!wp_untrash_post($id)) {
            wpkb_fail("wp_untrash_post $id failed");
        }
        wpkb_out(['row' => wpkb_row($id)]);
        break;

    case 'delete':
        $id = (int) $input['id'];
        if (!wp_delete_post($id, true)) {
            wpkb_fail("wp_delete_post $id failed");
        }
        wpkb_out(['deleted' => $id]);
        break;

    case 'get':
        wpkb_out(['row' => wpkb_row((int) $input['id'])]);
        break;

    case 'create_terms':
        $created = [];
        foreach ($input['names'] as $name) {
            $result = wp_insert_term($name, $input['taxonomy']);
            if (is_wp_error($result)) {
                wpkb_fail("wp_insert_term \"$name\": " . $result->get_error_message());
            }
            $created[] = ['id' => (int) $result['term_id'], 'name' => $name];
        }
        wpkb_out(['terms' => $created]);
        break;

    case 'rename_term':
        $term = wpkb_term_by_name($input['taxonomy'], $input['name']);
        $result = wp_update_term($term->term_id, $input['taxonomy'], ['name' => $input['to']]);
        if (is_wp_error($result)) {
            wpkb_fail("wp_update_term {$term->term_id}: " . $result->get_error_message());
        }
        wpkb_out(['term' => ['id' => (int) $term->term_id, 'name' => $input['to']]]);
        break;

    case 'delete_term':
        $term = wpkb_term_by_name($input['taxonomy'], $input['name']);
        if (wp_delete_term($term->term_id, $input['taxonomy']) !== true) {
            wpkb_fail("wp_delete_term {$term->term_id} failed");
        }
        wpkb_out(['deleted' => (int) $term->term_id]);
        break;

    case 'option':
        update_option((string) $input['name'], $input['value']);
        wpkb_out(['option' => (string) $input['name']]);
        break;

    default:
        wpkb_fail('posts.php: unknown op "' . $input['op'] . '"');
}
