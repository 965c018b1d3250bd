<?php
/**
 * Prints the translations of one script from a .po file as the JSON (Jed 1.x) that WordPress's
 * wp_set_script_translations() loads for wp.i18n — what `wp i18n make-json` writes, without WP-CLI.
 * Reads the .po with WordPress's own PO class (WPKB_WP_ROOT, default /usr/share/wordpress).
 *
 * Usage: php po-to-json.php languages/wpkb-connector-es_ES.po blocks/chat/index.js
 */
if (PHP_SAPI !== 'cli' || $argc !== 3) {
    fwrite(STDERR, "usage: php po-to-json.php <file.po> <script path as referenced in the .po>\n");
    exit(2);
}
[, $po_file, $script] = $argv;
$wp_root = rtrim(getenv('WPKB_WP_ROOT') ?: '/usr/share/wordpress', '/');
require_once $wp_root . '/wp-includes/pomo/po.php';

$po = new PO();
if (!$po->import_from_file($po_file)) {
    fwrite(STDERR, "$po_file: cannot be read as a .po file\n");
    exit(1);
}

$messages = [
    '' => [
        'domain' => 'messages',
        'lang' => $po->headers['Language'] ?? '',
        'plural-forms' => $po->headers['Plural-Forms'] ?? 'nplurals=2; plural=(n != 1);',
    ],
];
foreach ($po->entries as $entry) {
    if (!in_array($script, $entry->references, true) || !array_filter($entry->translations, 'strlen')) {
        continue;
    }
    $key = ($entry->context !== null && $entry->context !== '' ? $entry->context . "\4" : '') . $entry->singular;
    $messages[$key] = array_values($entry->translations);
}
ksort($messages, SORT_STRING);

echo json_encode([
    'translation-revision-date' => $po->headers['PO-Revision-Date'] ?? '',
    'generator' => 'wordpress-plugin/tools/po-to-json.php',
    'source' => $script,
    'domain' => 'messages',
    'locale_data' => ['messages' => $messages],
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
