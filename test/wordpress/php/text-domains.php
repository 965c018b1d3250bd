<?php
/**
 * Lists the gettext calls of PHP files whose last argument is not the text domain, with PHP's own
 * tokenizer (no WordPress needed). Prints {"calls": N, "wrong": ["file:line name(...)", ...]}.
 *
 * Usage: php text-domains.php <domain> <file.php>...
 */
if (PHP_SAPI !== 'cli' || $argc < 3) {
    fwrite(STDERR, "usage: php text-domains.php <domain> <file.php>...\n");
    exit(2);
}
$domain = $argv[1];
$functions = ['__', '_e', '_x', '_ex', '_n', '_nx', '_n_noop', '_nx_noop', 'esc_html__', 'esc_html_e', 'esc_html_x', 'esc_attr__', 'esc_attr_e', 'esc_attr_x'];
$calls = 0;
$wrong = [];
foreach (array_slice($argv, 2) as $file) {
    $tokens = token_get_all((string) file_get_contents($file));
    $count = count($tokens);
    for ($i = 0; $i < $count; $i++) {
        $token = $tokens[$i];
        if (!is_array($token) || $token[0] !== T_STRING || !in_array($token[1], $functions, true)) {
            continue;
        }
        $k = $i - 1;
        while ($k >= 0 && is_array($tokens[$k]) && $tokens[$k][0] === T_WHITESPACE) {
            $k--;
        }
        $previous = $tokens[$k] ?? null;
        if (is_array($previous) && in_array($previous[0], [T_FUNCTION, T_OBJECT_OPERATOR, T_DOUBLE_COLON], true)) {
            continue;
        }
        $j = $i + 1;
        while ($j < $count && is_array($tokens[$j]) && $tokens[$j][0] === T_WHITESPACE) {
            $j++;
        }
        if (($tokens[$j] ?? null) !== '(') {
            continue;
        }
        // The last top-level argument, as its tokens' text.
        $depth = 0;
        $argument = '';
        for ($j++; $j < $count; $j++) {
            $text = is_array($tokens[$j]) ? $tokens[$j][1] : $tokens[$j];
            if (in_array($text, ['(', '[', '{'], true)) {
                $depth++;
            } elseif (in_array($text, [')', ']', '}'], true)) {
                if ($depth === 0) {
                    break;
                }
                $depth--;
            } elseif ($text === ',' && $depth === 0) {
                $argument = '';
                continue;
            }
            $argument .= $text;
        }
        $calls++;
        if (trim($argument) !== "'" . $domain . "'") {
            $wrong[] = $file . ':' . $token[2] . ' ' . $token[1] . '(… ' . trim($argument) . ')';
        }
    }
}
echo json_encode(['calls' => $calls, 'wrong' => $wrong], JSON_UNESCAPED_SLASHES), "\n";
