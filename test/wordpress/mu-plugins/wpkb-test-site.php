<?php
/**
 * Plugin Name: wpkb test site
 * Description: The reference mall's content model for wpkb's integration suite: custom post types
 *   `event`, `stores`, `restaurant` in the REST API, one taxonomy each (`categoria_evento`,
 *   `categoria_tienda`, `tipo_comida`, `show_in_rest` with `rest_base` = slug), and an ACF-like `acf`
 *   REST field read from one JSON post meta (`_wpkb_acf`), `false` when a post has none (as ACF does).
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

/** Taxonomy slug => [post type, plural label, singular label, hierarchical]. */
const WPKB_TEST_TAXONOMIES = [
    'categoria_evento' => ['event', 'Categorías de evento', 'Categoría de evento', true],
    'categoria_tienda' => ['stores', 'Categorías de tienda', 'Categoría de tienda', true],
    'tipo_comida' => ['restaurant', 'Tipos de comida', 'Tipo de comida', false],
];

add_action('init', function () {
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
    foreach (WPKB_TEST_TAXONOMIES as $slug => [$type, $plural, $singular, $hierarchical]) {
        register_taxonomy($slug, [$type], [
            'labels' => ['name' => $plural, 'singular_name' => $singular],
            'public' => true,
            'hierarchical' => $hierarchical,
            'show_in_rest' => true,
            'rest_base' => $slug,
            'rewrite' => ['slug' => $slug],
        ]);
    }
});

add_action('rest_api_init', function () {
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
