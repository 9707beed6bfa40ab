<?php
/**
 * Kaspi Pay QR API client (r3, client certificate) that routes every payment to the seller's own
 * organization: DeviceToken and OrganizationBin come from the payment-service config of the seller's
 * shop_id, falling back to the marketplace's BIN when the lookup fails.
 *
 * Deployed to /home/bitrix/www/local/classes/Integration/Kaspi/ApiClient.php.
 */
declare(strict_types=1);

namespace Integration\Kaspi;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Data\Cache;
use Bitrix\Main\Diag\Debug;
use Bitrix\Main\Loader;
use Bitrix\Sale\Order;
use Integration\PaymentService\Client as PaymentServiceClient;

class ApiClient
{
    public const MODULE_ID = 'onelab.kaspipay';
    /** The marketplace's own organization: receives the money when the seller's config is unavailable. */
    public const FALLBACK_BIN = '891027350515';
    private const DEFAULT_KASPI_URL = 'https://qrapi-cert-ip.kaspi.kz';
    private const CERT_DIR = '/home/bitrix/kaspi_certificates';
    private const CONFIG_CACHE_TTL = 3600;
    private const CONFIG_CACHE_DIR = '/kaspi/payment_config';
    private const KASPI_TIMEOUT_SECONDS = 30;
    private const KASPI_CONNECT_TIMEOUT_SECONDS = 5;

    private PaymentServiceClient $paymentService;
    private string $kaspiUrl;
    /** @var array<int, array{shop_id: int, organization_bin: string, device_token: string}> this request's configs */
    private array $configs = [];

    public function __construct(array $params = [])
    {
        $this->paymentService = new PaymentServiceClient(
            $params['payment_service_url'] ?? null,
            $params['payment_service_key'] ?? null,
        );
        $url = trim(Option::get(self::MODULE_ID, 'kaspi_api_url', ''));
        $this->kaspiUrl = rtrim($url !== '' ? $url : self::DEFAULT_KASPI_URL, '/');
    }

    /** POST qr/create (the method name's typo is the site's public interface). */
    public function getCreteQr(array $params, $shopId = null): array
    {
        return $this->createPurchase('qr/create', 'create', 'QrPaymentId', $params, $shopId);
    }

    /** POST qr/create-link. */
    public function createLink(array $params, $shopId = null): array
    {
        return $this->createPurchase('qr/create-link', 'create-link', 'PaymentId', $params, $shopId);
    }

    /** POST remote/create: an invoice to the customer's phone. */
    public function createRemotePay(array $params, $shopId = null): array
    {
        return $this->createPurchase('remote/create', 'create', 'QrPaymentId', $params, $shopId);
    }

    /** POST payment/return: refund without the customer (only within the purchase's trade point). */
    public function paymentReturn(array $params, $shopId = null): array
    {
        $body = $this->withSellerConfig($params, $shopId);
        $result = $this->kaspiRequest('POST', 'payment/return', $body);
        if (self::succeeded($result, 'ReturnOperationId')) {
            $purchase = (string) ($params['QrPaymentId'] ?? '');
            $this->logOperation($body, $shopId ?? $this->getShopIdFromContext(), 'refund', $purchase, 'Processed');
        }
        return $result;
    }

    /** GET remote/client-info?phoneNumber=&deviceToken= (the device of the seller's config). */
    public function remoteClientInfo(array $params, $shopId = null): array
    {
        $config = $this->getPaymentConfig($shopId ?? $this->getShopIdFromContext());
        $query = http_build_query([
            'phoneNumber' => (string) ($params['phoneNumber'] ?? $params['PhoneNumber'] ?? ''),
            'deviceToken' => $config['device_token'],
        ]);
        return $this->kaspiRequest('GET', 'remote/client-info?' . $query);
    }

    /** GET payment/status/{QrPaymentId}. */
    public function status($qrPaymentId): array
    {
        return $this->kaspiRequest('GET', 'payment/status/' . rawurlencode((string) $qrPaymentId));
    }

    /**
     * The seller's BIN and device token. A valid config is cached across requests for an hour; a
     * failed lookup falls back to the marketplace BIN, is logged, and is never cached (the next
     * payment retries the lookup).
     *
     * @return array{shop_id: int, organization_bin: string, device_token: string, fallback: bool}
     */
    protected function getPaymentConfig($shopId): array
    {
        $shopId = is_numeric($shopId) ? (int) $shopId : 0;
        if (isset($this->configs[$shopId])) {
            return $this->configs[$shopId] + ['fallback' => false];
        }
        $cache = Cache::createInstance();
        $cacheKey = 'shop_' . $shopId;
        if ($shopId > 0 && $cache->initCache(self::CONFIG_CACHE_TTL, $cacheKey, self::CONFIG_CACHE_DIR)) {
            $vars = $cache->getVars();
            $cached = is_array($vars) ? ($vars['config'] ?? null) : null;
            if (is_array($cached) && self::isUsable($cached, $shopId)) {
                $this->configs[$shopId] = $cached;
                return $cached + ['fallback' => false];
            }
        }
        try {
            $config = self::validated($this->paymentService->getPaymentConfig($shopId), $shopId);
        } catch (\Throwable $e) {
            return $this->fallbackConfig($shopId, $e);
        }
        if ($cache->startDataCache()) {
            $cache->endDataCache(['config' => $config]);
        }
        $this->configs[$shopId] = $config;
        return $config + ['fallback' => false];
    }

    /**
     * The seller when the caller passes none: code written before Phase 3 calls from an order
     * context (a sale payment handler puts the order's fields in $GLOBALS['arOrder']), so the seller
     * is the order's: its SHOP_ID, else the SHOP_ID property of the order it names. Then, as the
     * deployment guide lists them, a product context and the request. Request parameters and headers
     * come from the customer's browser, so callers that know the seller must pass it explicitly.
     * No seller at all is 0: the lookup fails and the payment goes to the marketplace's fallback BIN,
     * never to some default seller's.
     */
    protected function getShopIdFromContext(): int
    {
        $order = $GLOBALS['arOrder'] ?? null;
        $candidates = [
            $order['SHOP_ID'] ?? null,
            is_array($order) ? self::shopIdOfOrder($order['ID'] ?? null) : null,
            $GLOBALS['arProduct']['SHOP_ID'] ?? null,
            $_REQUEST['shop_id'] ?? null,
            $_SERVER['HTTP_X_SHOP_ID'] ?? null,
        ];
        foreach ($candidates as $candidate) {
            if (is_numeric($candidate) && (int) $candidate > 0) {
                return (int) $candidate;
            }
        }
        return 0;
    }

    /** The SHOP_ID property of a sale order, or null. */
    private static function shopIdOfOrder($orderId): ?int
    {
        if (!is_numeric($orderId) || (int) $orderId <= 0 || !Loader::includeModule('sale')) {
            return null;
        }
        $order = Order::load((int) $orderId);
        $shop = $order?->getPropertyCollection()->getItemByOrderPropertyCode('SHOP_ID');
        return $shop !== null && is_numeric($shop->getValue()) ? (int) $shop->getValue() : null;
    }

    /** @return array{shop_id: int, organization_bin: string, device_token: string} */
    private static function validated(array $config, int $shopId): array
    {
        $active = filter_var($config['is_active'], FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE);
        if ($active !== true) {
            throw new \Exception('Payment config for shop ' . $shopId . ' is inactive');
        }
        $normalized = [
            'shop_id' => is_numeric($config['shop_id']) ? (int) $config['shop_id'] : 0,
            'organization_bin' => (string) $config['organization_bin'],
            'device_token' => (string) ($config['device_token'] ?? ''),
        ];
        if ($normalized['shop_id'] !== $shopId) {
            throw new \Exception('Payment-service answered for shop ' . $normalized['shop_id'] . ' instead of ' . $shopId);
        }
        if (!self::isUsable($normalized, $shopId)) {
            throw new \Exception('Payment config for shop ' . $shopId . ' has no valid organization_bin / device_token');
        }
        return $normalized;
    }

    private static function isUsable(array $config, int $shopId): bool
    {
        return ($config['shop_id'] ?? null) === $shopId
            && preg_match('/^\d{12}$/', (string) ($config['organization_bin'] ?? '')) === 1
            && is_string($config['device_token'] ?? null) && $config['device_token'] !== '';
    }

    /** @return array{shop_id: int, organization_bin: string, device_token: string, fallback: bool} */
    private function fallbackConfig(int $shopId, \Throwable $error): array
    {
        Debug::writeToFile(
            [
                'time' => date('c'),
                'shop_id' => $shopId,
                'error' => $error->getMessage(),
                'fallback_bin' => self::FALLBACK_BIN,
            ],
            'Payment-service lookup failed, using fallback BIN',
            PaymentServiceClient::LOG_FILE,
        );
        return [
            'shop_id' => $shopId,
            'organization_bin' => self::FALLBACK_BIN,
            'device_token' => Option::get(self::MODULE_ID, 'device_token', ''),
            'fallback' => true,
        ];
    }

    /** The caller's Kaspi fields with DeviceToken and OrganizationBin of the seller (these always win). */
    private function withSellerConfig(array $params, $shopId): array
    {
        $config = $this->getPaymentConfig($shopId ?? $this->getShopIdFromContext());
        $params['DeviceToken'] = $config['device_token'];
        $params['OrganizationBin'] = $config['organization_bin'];
        return $params;
    }

    private function createPurchase(string $path, string $operation, string $idField, array $params, $shopId): array
    {
        $shopId ??= $this->getShopIdFromContext();
        $body = $this->withSellerConfig($params, $shopId);
        if (isset($body['Amount'])) {
            $body['Amount'] = (float) $body['Amount'];
        }
        if (isset($body['ExternalId'])) {
            $body['ExternalId'] = (string) $body['ExternalId'];
        }
        $result = $this->kaspiRequest('POST', $path, $body);
        if (self::succeeded($result, $idField)) {
            $this->logOperation($body, $shopId, $operation, (string) $result['data']['Data'][$idField], 'QrTokenCreated');
        }
        return $result;
    }

    private static function succeeded(array $result, string $idField): bool
    {
        $data = $result['data'];
        return is_array($data) && ($data['StatusCode'] ?? null) === 0 && isset($data['Data'][$idField]);
    }

    /** A paymentlog row for an operation Kaspi accepted, on the purchase `$externalId` (amount in kopecks). */
    private function logOperation(array $body, $shopId, string $operation, string $externalId, string $status): void
    {
        try {
            $this->paymentService->createPaymentLog([
                'shop_id' => (int) $shopId,
                'organization_bin' => $body['OrganizationBin'],
                'operation_type' => $operation,
                'external_id' => $externalId,
                'amount' => (int) round((float) ($body['Amount'] ?? 0) * 100),
                'status' => $status,
                'provider' => 'kaspi',
            ]);
        } catch (\Throwable $e) {
            // Kaspi has done it; a lost audit row must not turn it into a failure.
            Debug::writeToFile(['time' => date('c'), 'error' => $e->getMessage()], 'Payment log failed', PaymentServiceClient::LOG_FILE);
        }
    }

    private function kaspiRequest(string $method, string $path, ?array $body = null): array
    {
        $url = $this->kaspiUrl . '/r3/v01/' . $path;
        $sentHeaders = ['Content-Type: application/json', 'X-Request-ID: ' . self::uuid4()];
        $responseHeaders = [];
        $ch = curl_init($url);
        $options = [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => self::KASPI_TIMEOUT_SECONDS,
            CURLOPT_CONNECTTIMEOUT => self::KASPI_CONNECT_TIMEOUT_SECONDS,
            CURLOPT_HTTPHEADER => $sentHeaders,
            CURLOPT_HEADERFUNCTION => static function ($handle, string $line) use (&$responseHeaders): int {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $responseHeaders[trim($parts[0])] = trim($parts[1]);
                }
                return strlen($line);
            },
        ];
        // r3 authenticates with the partner's client certificate (curl ignores these on plain http).
        foreach ([
            CURLOPT_SSLCERT => Option::get(self::MODULE_ID, 'kaspi_cert_path', self::CERT_DIR . '/client.crt'),
            CURLOPT_SSLKEY => Option::get(self::MODULE_ID, 'kaspi_key_path', self::CERT_DIR . '/client.key'),
            CURLOPT_SSLKEYPASSWD => Option::get(self::MODULE_ID, 'kaspi_key_password', ''),
        ] as $option => $value) {
            if ($value !== '') {
                $options[$option] = $value;
            }
        }
        if ($method === 'POST') {
            $options[CURLOPT_POST] = true;
            $options[CURLOPT_POSTFIELDS] = json_encode($body ?? [], JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
        }
        curl_setopt_array($ch, $options);
        $raw = curl_exec($ch);
        $result = [
            'data' => is_string($raw) ? json_decode($raw, true) : null,
            'http_code' => (int) curl_getinfo($ch, CURLINFO_HTTP_CODE),
            'headers' => $responseHeaders,
            'sentHeaders' => $sentHeaders,
            'sentData' => $body,
            'ip' => (string) curl_getinfo($ch, CURLINFO_PRIMARY_IP),
            'curlErrors' => $raw === false ? curl_errno($ch) . ': ' . curl_error($ch) : '',
            'method' => $method . ':' . $url,
            'timestamp' => date('c'),
        ];
        curl_close($ch);
        return $result;
    }

    private static function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
