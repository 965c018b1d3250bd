<?php
/**
 * Plugin Name: wpkb test site
 * Description: The reference mall's content model for wpkb's integration suite: custom post types
 *   `event`, `stores`, `restaurant` in the REST API, one taxonomy each (`categoria_evento`,
 *   `categoria_tienda`, `tipo_comida`, `show_in_rest` with `rest_base` = slug), and an ACF-like `acf`
 *   REST field read from one JSON post meta (`_wpkb_acf`), `false` when a post has none (as ACF does).
 *
 *   The option `wpkb_test_profile` makes the same database another kind of site (the suite sets it
 *   with update_option, read on every request):
 *   - `mall` (default): as above;
 *   - `retaxed`: the same types with other taxonomies — stores in `rubro`, events in `publico` and
 *     WordPress's tags, restaurants in none;
 *   - `bare`: the same types, no taxonomy at all;
 *   - `plain`: no custom type: a plain WordPress with posts and pages.
 *
 * Loaded as a must-use plugin: the suite's site config points WPMU_PLUGIN_DIR at this folder.
 */

if (!defined('ABSPATH')) {
    exit;
}

const WPKB_TEST_TYPES = [
    'event' => ['Eventos', 'Evento'],
    'stores' => ['Tiendas', 'Tienda'],
    'restaurant' => ['Restaurantes', 'Restaurante'],
];

const WPKB_TEST_ACF_META = '_wpkb_acf';

/** Taxonomy slug => [post type, plural label, singular label, hierarchical], per profile. */
const WPKB_TEST_TAXONOMIES = [
    'mall' => [
        'categoria_evento' => ['event', 'Categorías de evento', 'Categoría de evento', true],
        'categoria_tienda' => ['stores', 'Categorías de tienda', 'Categoría de tienda', true],
        'tipo_comida' => ['restaurant', 'Tipos de comida', 'Tipo de comida', false],
    ],
    'retaxed' => [
        'rubro' => ['stores', 'Rubros', 'Rubro', true],
        'publico' => ['event', 'Públicos', 'Público', false],
    ],
    'bare' => [],
    'plain' => [],
];

/** The kind of site this request serves (see the header). */
function wpkb_test_profile(): string
{
    $profile = get_option('wpkb_test_profile', 'mall');
    return is_string($profile) && isset(WPKB_TEST_TAXONOMIES[$profile]) ? $profile : 'mall';
}

add_action('init', function () {
    $profile = wpkb_test_profile();
    if ($profile === 'plain') {
        return;
    }
    foreach (WPKB_TEST_TYPES as $slug => [$plural, $singular]) {
        register_post_type($slug, [
            'labels' => ['name' => $plural, 'singular_name' => $singular],
            'public' => true,
            'show_in_rest' => true,
            'rest_base' => $slug,
            'has_archive' => true,
            'rewrite' => ['slug' => $slug],
            'supports' => ['title', 'editor', 'excerpt', 'custom-fields'],
        ]);
    }
    foreach (WPKB_TEST_TAXONOMIES[$profile] as $slug => [$type, $plural, $singular, $hierarchical]) {
        register_taxonomy($slug, [$type], [
            'labels' => ['name' => $plural, 'singular_name' => $singular],
            'public' => true,
            'hierarchical' => $hierarchical,
            'show_in_rest' => true,
            'rest_base' => $slug,
            'rewrite' => ['slug' => $slug],
        ]);
    }
    if ($profile === 'retaxed') {
        register_taxonomy_for_object_type('post_tag', 'event');
    }
});

add_action('rest_api_init', function () {
    if (wpkb_test_profile() === 'plain') {
        return;
    }
    register_rest_field(array_keys(WPKB_TEST_TYPES), 'acf', [
        'get_callback' => function ($post) {
            $raw = get_post_meta($post['id'], WPKB_TEST_ACF_META, true);
            if (!is_string($raw) || $raw === '') {
                return false;
            }
            $decoded = json_decode($raw, true);
            return is_array($decoded) && $decoded !== [] ? $decoded : false;
        },
        'schema' => [
            'description' => 'Advanced Custom Fields (test double)',
            'type' => ['object', 'boolean'],
            'context' => ['view', 'edit'],
        ],
    ]);
});

/*
 * The second server of the suite serves the same site with plain permalinks (no /wp-json/ route), so
 * clients must fall back to `?rest_route=`. The router sets this flag per request.
 */
if (!empty($GLOBALS['wpkb_test_plain_permalinks'])) {
    add_filter('pre_option_permalink_structure', function () {
        return '';
    });
    add_filter('pre_option_rewrite_rules', function () {
        return [];
    });
}
