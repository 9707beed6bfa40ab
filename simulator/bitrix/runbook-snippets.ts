/**
 * The deployment guide's own snippets (phase3-deployment-guide.md), verbatim, so the runbook checks
 * run exactly what an operator would paste. Only the corrected statement is ours.
 */

/** Step 6, first `mysql -e` body. */
export const step6Insert = String.raw`
INSERT INTO b_option (MODULE_ID, OPTION_NAME, OPTION_VALUE)
VALUES ('onelab.kaspipay', 'payment_service_url', 'https://payment-service.up.railway.app/api')
ON DUPLICATE KEY UPDATE OPTION_VALUE='https://payment-service.up.railway.app/api';
`;

/** Step 6, "Verify:" `mysql -e` body. */
export const step6Verify = String.raw`
SELECT OPTION_NAME, OPTION_VALUE FROM b_option
WHERE MODULE_ID='onelab.kaspipay' AND OPTION_NAME='payment_service_url';
`;

/** What step 6 should say, with b_option's real columns (bitrix-surface.md). */
export const step6Corrected = String.raw`
INSERT INTO b_option (MODULE_ID, NAME, VALUE)
VALUES ('onelab.kaspipay', 'payment_service_url', 'https://payment-service.up.railway.app/api')
ON DUPLICATE KEY UPDATE VALUE='https://payment-service.up.railway.app/api';
SELECT NAME, VALUE FROM b_option
WHERE MODULE_ID='onelab.kaspipay' AND NAME='payment_service_url';
`;

/** Step 7, the whole shell command. */
export const step7SmokeTest = String.raw`php -r "
require_once '/home/bitrix/www/bitrix/modules/main/include/prolog_before.php';

// Test PaymentServiceClient
\$client = new \\Integration\\PaymentService\\Client();
\$config = \$client->getPaymentConfig(121038);

if (\$config['organization_bin'] === '920317450731') {
    echo '✅ PaymentServiceClient works!\n';
    echo 'БИN for shop_id 121038: ' . \$config['organization_bin'] . '\n';
} else {
    echo '❌ PaymentServiceClient test failed\n';
    exit(1);
}

// Test ApiClient integration
\$apiClient = new \\Integration\\Kaspi\\ApiClient();
echo '✅ ApiClient initialized\n';

exit(0);
"`;

/** Step 2, the backup command. */
export const step2Backup = String.raw`cp /home/bitrix/www/local/classes/Integration/Kaspi/ApiClient.php \
   /home/bitrix/www/local/classes/Integration/Kaspi/ApiClient.php.backup.$(date +%Y%m%d_%H%M%S)

# Verify backup created
ls -la /home/bitrix/www/local/classes/Integration/Kaspi/ApiClient.php*`;

/** Rollback Plan, "Restore backup" and "Verify". */
export const rollbackRestore = String.raw`cp /home/bitrix/www/local/classes/Integration/Kaspi/ApiClient.php.backup.* \
   /home/bitrix/www/local/classes/Integration/Kaspi/ApiClient.php

# Verify
php -r "
require_once '/home/bitrix/www/bitrix/modules/main/include/prolog_before.php';
echo (class_exists('\\Integration\\Kaspi\\ApiClient') ? '✅ Restored\n' : '❌ Failed\n');
"`;
