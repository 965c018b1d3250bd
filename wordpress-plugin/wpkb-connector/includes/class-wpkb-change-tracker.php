<?php
/**
 * Collects, during one request, every change that can alter what a visitor sees of a watched post,
 * and sends at most one notification per post (and one "type" hint per post type whose terms changed)
 * at `shutdown`, after every save of the request (ACF fields included) has happened.
 *
 * Per post it keeps whether the post was publicly visible (published, no password) before the first
 * change of the request. At shutdown: visible now → "upsert"; not visible now but visible before →
 * "delete" (draft, pending, private, future, password, trash, deleted); never visible → nothing, since
 * nothing changed for visitors.
 *
 * @package wpkb-connector
 */

if (!defined('ABSPATH')) {
    exit;
}

final class Wpkb_Change_Tracker
{
    /** Post meta WordPress writes as bookkeeping (edit locks, trash and slug history): no visitor sees them. */
    const BOOKKEEPING_META = [
        '_edit_lock',
        '_edit_last',
        '_wp_old_slug',
        '_wp_old_date',
        '_wp_trash_meta_status',
        '_wp_trash_meta_time',
        '_wp_trash_meta_comments_status',
        '_wp_desired_post_slug',
        '_encloseme',
        '_pingme',
    ];

    /** @var Wpkb_Notifier */
    private $notifier;

    /** @var array<string, array{blog: int, id: int, rest_base: string, title: string, was_visible: bool}> by "blog:id" */
    private $posts = [];

    /** @var array<string, int> REST bases of post types with a changed term → blog id */
    private $types = [];

    /** @var string|null taxonomy of the term being deleted: its posts are covered by one "type" hint */
    private $deleting_taxonomy = null;

    public function __construct(Wpkb_Notifier $notifier)
    {
        $this->notifier = $notifier;
    }

    public function register(): void
    {
        // Before an update (status, password, content) and before a deletion: the state visitors saw.
        add_action('pre_post_update', [$this, 'post_touched'], 10, 1);
        add_action('before_delete_post', [$this, 'post_touched'], 10, 1);
        add_action('transition_post_status', [$this, 'status_changed'], 10, 3);
        add_action('save_post', [$this, 'post_touched'], 10, 1);
        add_action('added_post_meta', [$this, 'meta_changed'], 10, 3);
        add_action('updated_post_meta', [$this, 'meta_changed'], 10, 3);
        add_action('deleted_post_meta', [$this, 'meta_changed'], 10, 3);
        add_action('set_object_terms', [$this, 'object_terms_set'], 10, 6);
        add_action('deleted_term_relationships', [$this, 'object_terms_removed'], 10, 3);
        // ACF saves its fields after save_post, also from front-end forms without save_post.
        add_action('acf/save_post', [$this, 'acf_saved'], 20, 1);
        add_action('edited_term', [$this, 'term_edited'], 10, 3);
        add_action('pre_delete_term', [$this, 'term_deleting'], 10, 2);
        add_action('delete_term', [$this, 'term_deleted'], 10, 5);
        add_action('shutdown', [$this, 'flush'], 20);
    }

    /** @param int|string $post_id */
    public function post_touched($post_id): void
    {
        $this->track((int) $post_id, null);
    }

    /** The first hook of a publication without pre_post_update (new posts, scheduled ones going live). */
    /**
     * @param string $new_status
     * @param string $old_status
     * @param WP_Post $post
     */
    public function status_changed($new_status, $old_status, $post): void
    {
        if ($post instanceof WP_Post) {
            $this->track((int) $post->ID, $old_status === 'publish' && $post->post_password === '');
        }
    }

    /**
     * @param int|int[] $meta_ids
     * @param int $post_id
     * @param string $meta_key
     */
    public function meta_changed($meta_ids, $post_id, $meta_key): void
    {
        /**
         * Filters the post meta keys whose changes are not announced.
         *
         * @param string[] $keys
         */
        $ignored = (array) apply_filters('wpkb_ignored_meta_keys', self::BOOKKEEPING_META);
        if (!in_array((string) $meta_key, $ignored, true)) {
            $this->track((int) $post_id, null);
        }
    }

    /**
     * @param int $object_id
     * @param array<int|string> $terms
     * @param int[] $tt_ids
     * @param string $taxonomy
     * @param bool $append
     * @param int[] $old_tt_ids
     */
    public function object_terms_set($object_id, $terms, $tt_ids, $taxonomy, $append, $old_tt_ids): void
    {
        $new = array_map('intval', (array) $tt_ids);
        $old = array_map('intval', (array) $old_tt_ids);
        sort($new);
        sort($old);
        if ($new !== $old) {
            $this->post_terms_changed((int) $object_id, (string) $taxonomy);
        }
    }

    /**
     * wp_remove_object_terms (which fires no set_object_terms).
     *
     * @param int $object_id
     * @param int[] $tt_ids
     * @param string $taxonomy
     */
    public function object_terms_removed($object_id, $tt_ids, $taxonomy): void
    {
        $this->post_terms_changed((int) $object_id, (string) $taxonomy);
    }

    /** @param int|string $post_id a post id, or "options", "user_1", "term_5" … for other ACF objects. */
    public function acf_saved($post_id): void
    {
        if (is_numeric($post_id)) {
            $this->track((int) $post_id, null);
        }
    }

    /**
     * @param int $term_id
     * @param int $tt_id
     * @param string $taxonomy
     */
    public function term_edited($term_id, $tt_id, $taxonomy): void
    {
        $tax_query = [['taxonomy' => (string) $taxonomy, 'field' => 'term_id', 'terms' => [(int) $term_id], 'include_children' => false]];
        foreach ($this->watched_types_of((string) $taxonomy) as $post_type) {
            if (self::has_published_posts($post_type, ['tax_query' => $tax_query])) { // phpcs:ignore WordPress.DB.SlowDBQuery
                $this->types[Wpkb_Config::rest_base($post_type)] = get_current_blog_id();
            }
        }
    }

    /**
     * @param int $term_id
     * @param string $taxonomy
     */
    public function term_deleting($term_id, $taxonomy): void
    {
        $this->deleting_taxonomy = (string) $taxonomy;
    }

    /**
     * @param int $term
     * @param int $tt_id
     * @param string $taxonomy
     * @param mixed $deleted_term
     * @param int[] $object_ids the objects that had the term
     */
    public function term_deleted($term, $tt_id, $taxonomy, $deleted_term, $object_ids): void
    {
        $this->deleting_taxonomy = null;
        $ids = array_map('intval', (array) $object_ids);
        if ($ids === []) {
            return;
        }
        foreach ($this->watched_types_of((string) $taxonomy) as $post_type) {
            if (self::has_published_posts($post_type, ['post__in' => $ids])) {
                $this->types[Wpkb_Config::rest_base($post_type)] = get_current_blog_id();
            }
        }
    }

    /** Sends what the request changed; runs once, at shutdown. */
    public function flush(): void
    {
        $posts = $this->posts;
        $types = $this->types;
        $this->posts = [];
        $this->types = [];
        if (($posts === [] && $types === []) || !Wpkb_Config::notifications_configured()) {
            return;
        }
        $blog = get_current_blog_id();
        $hints = [];
        foreach ($posts as $snapshot) {
            $hint = $snapshot['blog'] === $blog ? $this->hint_for($snapshot) : null;
            if ($hint !== null) {
                $hints[] = $hint;
            }
        }
        foreach ($types as $rest_base => $type_blog) {
            if ($type_blog === $blog) {
                $hints[] = ['type' => $rest_base, 'id' => 0, 'event' => 'type', 'modified_gmt' => null];
            }
        }
        if ($hints === []) {
            return;
        }
        self::finish_response();
        foreach ($hints as $hint) {
            $this->notifier->send($hint, false, 'hook');
        }
    }

    private function post_terms_changed(int $post_id, string $taxonomy): void
    {
        // Taxonomies can hold users or links too: only a taxonomy of a watched post type names a post.
        // While a term is deleted, its posts lose it one by one: the deletion's "type" hint covers them all.
        if ($this->deleting_taxonomy !== $taxonomy && $this->watched_types_of($taxonomy) !== []) {
            $this->track($post_id, null);
        }
    }

    private function track(int $post_id, ?bool $was_visible): void
    {
        $key = get_current_blog_id() . ':' . $post_id;
        if ($post_id <= 0 || isset($this->posts[$key]) || !Wpkb_Config::notifications_configured()) {
            return;
        }
        $post = get_post($post_id);
        if (!$post instanceof WP_Post || !Wpkb_Config::is_watched($post->post_type)) {
            return;
        }
        $this->posts[$key] = [
            'blog' => get_current_blog_id(),
            'id' => $post_id,
            'rest_base' => Wpkb_Config::rest_base($post->post_type),
            'title' => $post->post_title,
            'was_visible' => $was_visible === null ? self::is_visible($post) : $was_visible,
        ];
    }

    /**
     * @param array{id: int, rest_base: string, title: string, was_visible: bool} $snapshot
     * @return array{type: string, id: int, event: string, modified_gmt: ?string, title: string}|null
     */
    private function hint_for(array $snapshot): ?array
    {
        $post = get_post($snapshot['id']);
        if ($post instanceof WP_Post && Wpkb_Config::is_watched($post->post_type) && self::is_visible($post)) {
            return Wpkb_Notifier::post_hint($post, 'upsert');
        }
        if (!$snapshot['was_visible']) {
            return null;
        }
        if ($post instanceof WP_Post && $post->post_type !== '' && Wpkb_Config::rest_base($post->post_type) === $snapshot['rest_base']) {
            return Wpkb_Notifier::post_hint($post, 'delete');
        }
        // Deleted for good (or moved to another post type): announced under the type it had.
        return [
            'type' => $snapshot['rest_base'],
            'id' => $snapshot['id'],
            'event' => 'delete',
            'modified_gmt' => null,
            'title' => $snapshot['title'],
        ];
    }

    /** What visitors (and wpkb's REST reads) may see: published without a password. */
    private static function is_visible(WP_Post $post): bool
    {
        return $post->post_status === 'publish' && $post->post_password === '';
    }

    /** @return string[] watched post types the taxonomy is attached to */
    private function watched_types_of(string $taxonomy): array
    {
        $object = get_taxonomy($taxonomy);
        if (!$object || !Wpkb_Config::notifications_configured()) {
            return [];
        }
        return array_values(array_intersect((array) $object->object_type, Wpkb_Config::watched_post_types()));
    }

    /** @param array<string, mixed> $query */
    private static function has_published_posts(string $post_type, array $query): bool
    {
        $ids = get_posts(array_merge([
            'post_type' => $post_type,
            'post_status' => 'publish',
            'posts_per_page' => 1,
            'fields' => 'ids',
            'orderby' => 'none',
            'no_found_rows' => true,
            'suppress_filters' => true,
        ], $query));
        return $ids !== [];
    }

    /**
     * Hands the editor their response before the network calls, where PHP-FPM or LiteSpeed allow it;
     * filter wpkb_finish_response_before_notifying to keep the connection open instead.
     */
    private static function finish_response(): void
    {
        if (PHP_SAPI === 'cli' || !apply_filters('wpkb_finish_response_before_notifying', true)) {
            return;
        }
        if (function_exists('fastcgi_finish_request')) {
            fastcgi_finish_request();
        } elseif (function_exists('litespeed_finish_request')) {
            litespeed_finish_request();
        }
    }
}
