<?php
/**
 * Loads WordPress for the suite's command-line helpers (install, seed, mutate), as the site served
 * by the harness: same Debian site config, same host (with port) so URLs match.
 *
 * Environment: WPKB_WP_CONFIG (Debian config name), WPKB_WP_HOST (127.0.0.1:<port>),
 * WPKB_WP_ROOT (WordPress core directory, default /usr/share/wordpress).
 */
if (PHP_SAPI !== 'cli') {
    exit(1);
}
error_reporting(E_ALL & ~E_DEPRECATED & ~E_NOTICE);

function wpkb_env(string $name, ?string $default = null): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        if ($default !== null) {
            return $default;
        }
        fwrite(STDERR, "missing environment variable $name\n");
        exit(2);
    }
    return $value;
}

$_SERVER['WORDPRESS_CONFIG'] = wpkb_env('WPKB_WP_CONFIG');
$_SERVER['HTTP_HOST'] = wpkb_env('WPKB_WP_HOST');
$_SERVER['SERVER_NAME'] = preg_replace('/:.*/', '', $_SERVER['HTTP_HOST']);
$_SERVER['SERVER_PORT'] = preg_match('/:(\d+)$/', $_SERVER['HTTP_HOST'], $m) ? $m[1] : '80';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

require rtrim(wpkb_env('WPKB_WP_ROOT', '/usr/share/wordpress'), '/') . '/wp-load.php';

/** Prints one JSON document on stdout (the harness parses it). */
function wpkb_out($value): void
{
    echo json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
}

/** Fails with a one-line message on stderr. */
function wpkb_fail(string $message): void
{
    fwrite(STDERR, $message . "\n");
    exit(1);
}

/** Lets the helpers write HTML (scripts, iframes) as an editor with unfiltered_html could. */
function wpkb_as_admin(): void
{
    $admins = get_users(['role' => 'administrator', 'number' => 1, 'fields' => 'ID']);
    if ($admins) {
        wp_set_current_user((int) $admins[0]);
    }
    kses_remove_filters();
}

/**
 * Creates one post from a spec:
 * {type, title, content?, excerpt?, status?, password?, date?, slug?, acf?, terms?, trash?}.
 * `terms` is {taxonomy: [term name, ...]} (terms are created when missing, as the editor does).
 * `trash: true` publishes then trashes it (as a person deleting a published item does).
 * Returns the row the harness reads back.
 */
function wpkb_insert(array $spec): array
{
    $postarr = [
        'post_type' => $spec['type'],
        'post_title' => $spec['title'],
        'post_content' => $spec['content'] ?? '',
        'post_excerpt' => $spec['excerpt'] ?? '',
        'post_status' => $spec['status'] ?? 'publish',
        'post_password' => $spec['password'] ?? '',
    ];
    if (isset($spec['slug'])) {
        $postarr['post_name'] = $spec['slug'];
    }
    if (isset($spec['date'])) {
        $postarr['post_date'] = $spec['date'];
        $postarr['post_date_gmt'] = get_gmt_from_date($spec['date']);
    }
    $id = wp_insert_post(wp_slash($postarr), true);
    if (is_wp_error($id)) {
        wpkb_fail('wp_insert_post "' . $spec['title'] . '": ' . $id->get_error_message());
    }
    if (array_key_exists('acf', $spec) && $spec['acf'] !== null) {
        wpkb_set_acf($id, $spec['acf']);
    }
    if (!empty($spec['terms'])) {
        wpkb_set_terms($id, $spec['terms']);
    }
    if (!empty($spec['trash'])) {
        if (!wp_trash_post($id)) {
            wpkb_fail("wp_trash_post $id failed");
        }
    }
    return wpkb_row($id);
}

/** Stores the ACF-like fields as one JSON meta (the mu-plugin decodes it into the `acf` REST field). */
function wpkb_set_acf(int $id, $acf): void
{
    if ($acf === false) {
        delete_post_meta($id, '_wpkb_acf');
        return;
    }
    update_post_meta($id, '_wpkb_acf', wp_slash(json_encode($acf, JSON_UNESCAPED_UNICODE)));
}

/** Assigns terms by name, {taxonomy: [name, ...]}, replacing the post's terms in those taxonomies. */
function wpkb_set_terms(int $id, array $terms): void
{
    foreach ($terms as $taxonomy => $names) {
        $result = wp_set_object_terms($id, array_values($names), $taxonomy, false);
        if (is_wp_error($result)) {
            wpkb_fail("wp_set_object_terms $id $taxonomy: " . $result->get_error_message());
        }
    }
}

/** The term of a taxonomy with this name (as written: get_terms escapes it the way it is stored), or a failure. */
function wpkb_term_by_name(string $taxonomy, string $name): WP_Term
{
    $term = get_term_by('name', $name, $taxonomy);
    if (!$term instanceof WP_Term) {
        wpkb_fail("no term \"$name\" in $taxonomy");
    }
    return $term;
}

function wpkb_row(int $id): array
{
    clean_post_cache($id);
    $post = get_post($id);
    if (!$post) {
        wpkb_fail("post $id not found");
    }
    return [
        'id' => $post->ID,
        'type' => $post->post_type,
        'status' => $post->post_status,
        'slug' => $post->post_name,
        'title' => $post->post_title,
        'protected' => $post->post_password !== '',
        'modified_gmt' => $post->post_modified_gmt,
    ];
}
