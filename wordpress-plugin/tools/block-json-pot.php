<?php
/**
 * Prints the translatable strings of a block.json as POT entries, with the contexts WordPress uses
 * when it translates block metadata ("block title", "block description", "block keyword").
 *
 * Usage: php block-json-pot.php blocks/chat/block.json
 */
if (PHP_SAPI !== 'cli' || $argc !== 2) {
    fwrite(STDERR, "usage: php block-json-pot.php <block.json>\n");
    exit(2);
}
$file = $argv[1];
$metadata = json_decode((string) file_get_contents($file), true);
if (!is_array($metadata)) {
    fwrite(STDERR, "$file: not a JSON object\n");
    exit(1);
}

$entries = [];
if (isset($metadata['title'])) {
    $entries[] = ['block title', $metadata['title']];
}
if (isset($metadata['description'])) {
    $entries[] = ['block description', $metadata['description']];
}
foreach ($metadata['keywords'] ?? [] as $keyword) {
    $entries[] = ['block keyword', $keyword];
}

$quote = static function (string $text): string {
    return '"' . addcslashes($text, "\"\\\n\t") . '"';
};
echo "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n";
foreach ($entries as [$context, $text]) {
    echo "\n#: $file\nmsgctxt " . $quote($context) . "\nmsgid " . $quote((string) $text) . "\nmsgstr \"\"\n";
}
