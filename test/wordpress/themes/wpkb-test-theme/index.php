<?php
/**
 * Every front-end page of the suite's site: the document skeleton WordPress needs to print enqueued
 * scripts (wp_head / wp_footer) and the content of the queried posts (shortcodes and blocks rendered).
 */
?><!DOCTYPE html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo('charset'); ?>">
<?php wp_head(); ?>
</head>
<body <?php body_class(); ?>>
<?php wp_body_open(); ?>
<main>
<?php
while (have_posts()) {
    the_post();
    echo '<article id="post-' . (int) get_the_ID() . '"><h1>' . esc_html(get_the_title()) . '</h1>';
    the_content();
    echo '</article>';
}
?>
</main>
<?php wp_footer(); ?>
</body>
</html>
