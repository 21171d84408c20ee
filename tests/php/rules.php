<?php
// The differential test's oracle for Lootly's order rules (tests/differential.rs), run on
// php-cli 8.2 and on PHP 7.4 (tests/php7): PHP's own is_numeric and filter_var. PHP 7 syntax.
//
// Usage: php tests/php/rules.php BATCH
//
// BATCH holds records "<length>\n<bytes>\n". For each this prints one line of two letters,
// T or X: is_numeric($s), filter_var($s, FILTER_VALIDATE_EMAIL) !== false.

$in = fopen($argv[1], 'rb');
$out = '';
while (($line = fgets($in)) !== false) {
    $length = (int) $line;
    $s = $length > 0 ? fread($in, $length) : '';
    while (strlen($s) < $length) {
        $s .= fread($in, $length - strlen($s));
    }
    fgetc($in);
    $out .= (is_numeric($s) ? 'T' : 'X') . (filter_var($s, FILTER_VALIDATE_EMAIL) !== false ? 'T' : 'X') . "\n";
}
echo $out;
