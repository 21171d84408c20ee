<?php
// The record format the differential test (tests/differential.rs) and its PHP servers share:
// in, records "<length>\n<bytes>\n" (length -1: no value); out, one field per line,
// "S<length>:<bytes>\n" (a string), "N\n" (no value), "F\n" (json_encode returned false),
// "T\n" / "X\n" (true / false). PHP 7 syntax: tests/php/server7.php runs it on PHP 7.4.

/** The next record of the batch: a string, null for length -1, false at the end. */
function next_record($in)
{
    $line = fgets($in);
    if ($line === false) {
        return false;
    }
    $length = (int) $line;
    if ($length < 0) {
        fgets($in);
        return null;
    }
    $bytes = '';
    while (strlen($bytes) < $length) {
        $chunk = fread($in, $length - strlen($bytes));
        if ($chunk === false || $chunk === '') {
            throw new RuntimeException('truncated batch file');
        }
        $bytes .= $chunk;
    }
    fgetc($in); // the newline after the bytes
    return $bytes;
}

/** A text field: the string, N for no value, F for json_encode's false. */
function field($v)
{
    if ($v === null) {
        return "N\n";
    }
    return $v === false ? "F\n" : 'S' . strlen($v) . ':' . $v . "\n";
}

/** A yes/no field. */
function flag($b)
{
    return $b ? "T\n" : "X\n";
}
