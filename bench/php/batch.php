<?php
// The batch row's PHP side: what a PHP connector written from WoowUp's guides does per purchase
// of the day's file, without the network: fgetcsv, consecutive lines of one invoice grouped,
// the `user_by_email` lookup URL (http_build_query), the lookup's answer read (json_decode), the
// `factura` (json_encode) and the `add_sale_points_by_uid` form (http_build_query), the points
// by the guide's rule ceil($salePoints * floor($total)), the sale's answer read. The same work
// as examples/batch_prepare.rs.
// Usage: php bench/php/batch.php purchases-YYYY_MM_DD.csv
// Prints one JSON line: purchases, requests, bytes, seconds (peak memory is measured outside).
$path = $argv[1];
$base = 'https://admin.woowup.com/apiv2/14/';
$sale_points = 5;
$user_answer = '{"status":true,"data":{"user":{"service_uid":"uid-17","userapp_id":"17","email":"x@example.com"}}}';
$sale_answer = '{"status":true,"data":{"transaction_id":"2424"}}';

$start = hrtime(true);
$purchases = $requests = $bytes = 0;
$send = function (array $lines) use ($base, $sale_points, $user_answer, $sale_answer, &$purchases, &$requests, &$bytes) {
    $first = $lines[0];
    $lookup = $base . 'user_by_email?' . http_build_query(['email' => $first[1]]);
    $user = json_decode($user_answer, true);
    $uid = $user['data']['user']['service_uid'];
    $detail = [];
    $total = 0;
    foreach ($lines as $l) {
        $item = ['codigo' => $l[4], 'producto' => $l[5], 'cantidad' => $l[6] + 0, 'precio' => $l[7] + 0];
        if ($l[8] !== '') {
            $item['categoryCode'] = $l[8];
        }
        $detail[] = $item;
        $total += $item['cantidad'] * $item['precio'];
    }
    $form = http_build_query([
        'app_id' => '14',
        'uid' => $uid,
        'points' => ceil($sale_points * floor($total)),
        'nrofactura' => $first[0],
        'factura' => json_encode($detail),
        'branch' => $first[3],
        'datetime' => $first[2],
    ]);
    $sale = json_decode($sale_answer, true);
    if ($sale['status'] !== true) {
        throw new RuntimeException('sale refused');
    }
    $purchases++;
    $requests += 2;
    $bytes += strlen($lookup) + strlen($base . 'add_sale_points_by_uid') + strlen($form);
};

$f = fopen($path, 'r');
fgetcsv($f); // header
$lines = [];
$invoice = null;
while (($row = fgetcsv($f)) !== false) {
    if ($row[0] !== $invoice && $lines) {
        $send($lines);
        $lines = [];
    }
    $invoice = $row[0];
    $lines[] = $row;
}
if ($lines) {
    $send($lines);
}
fclose($f);
echo json_encode(['purchases' => $purchases, 'requests' => $requests, 'bytes' => $bytes,
    'seconds' => round((hrtime(true) - $start) / 1e9, 3)]), "\n";
