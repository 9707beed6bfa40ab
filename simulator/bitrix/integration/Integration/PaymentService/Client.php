<?php
/**
 * Client of the payment-service ("guide" contract): maps a seller's shop_id to the Kaspi organization
 * BIN and device token that must receive the money, and records payment operations for auditing.
 *
 * Deployed to /home/bitrix/www/local/classes/Integration/PaymentService/Client.php.
 */
declare(strict_types=1);

namespace Integration\PaymentService;

use Bitrix\Main\Config\Option;
use Bitrix\Main\Diag\Debug;

class Client
{
    public const DEFAULT_API_URL = 'https://payment-service.up.railway.app/api';
    public const MODULE_ID = 'onelab.kaspipay';
    /** Relative to the document root: the file the deployment guide tells operators to tail. */
    public const LOG_FILE = 'bitrix/log/kaspi_payment_service.log';
    private const TIMEOUT_SECONDS = 10;
    private const CONNECT_TIMEOUT_SECONDS = 5;

    private string $apiUrl;
    private ?string $apiKey;

    /**
     * @param string|null $apiUrl base URL including /api; else the option
     *                            onelab.kaspipay / payment_service_url; else the Railway default
     */
    public function __construct($apiUrl = null, $apiKey = null)
    {
        $url = trim((string) ($apiUrl ?? ''));
        if ($url === '' && class_exists(Option::class)) {
            // Option::get returns '' (never null) when unset, so test for emptiness, not null.
            $url = trim(Option::get(self::MODULE_ID, 'payment_service_url', ''));
        }
        $this->apiUrl = rtrim($url !== '' ? $url : self::DEFAULT_API_URL, '/');
        $this->apiKey = $apiKey === null || $apiKey === '' ? null : (string) $apiKey;
    }

    /**
     * GET {base}/payment/config?shop_id=. Throws on a transport error, 404, any other non-200,
     * invalid JSON, or an answer missing shop_id / organization_bin / is_active.
     *
     * @return array{shop_id: int|string, organization_bin: string, is_active: bool, device_token?: string|null, provider?: string}
     */
    public function getPaymentConfig($shopId): array
    {
        if (!is_numeric($shopId) || (int) $shopId <= 0) {
            throw new \InvalidArgumentException('Invalid shop_id: ' . var_export($shopId, true));
        }
        $shopId = (int) $shopId;
        $response = $this->request('GET', '/payment/config?shop_id=' . $shopId);
        if ($response['error'] !== '') {
            throw new \Exception('Payment-service request failed: ' . $response['error']);
        }
        if ($response['status'] === 404) {
            throw new \Exception('Shop ID not found: ' . $shopId);
        }
        if ($response['status'] !== 200) {
            throw new \Exception('Payment-service returned HTTP ' . $response['status']);
        }
        $config = json_decode($response['body'], true);
        if (!is_array($config)) {
            throw new \Exception('Invalid JSON response from payment-service');
        }
        foreach (['shop_id', 'organization_bin', 'is_active'] as $field) {
            if (!array_key_exists($field, $config)) {
                throw new \Exception('Payment-service config is missing ' . $field);
            }
        }
        return $config;
    }

    /**
     * POST {base}/payment/log. Auditing must never break a payment: failures are logged and yield null.
     */
    public function createPaymentLog(array $logData): ?array
    {
        foreach (['shop_id', 'organization_bin', 'operation_type'] as $field) {
            if (!isset($logData[$field]) || $logData[$field] === '') {
                $this->log('Payment log not written: missing ' . $field, ['log' => $logData]);
                return null;
            }
        }
        try {
            $response = $this->request('POST', '/payment/log', $logData);
        } catch (\Throwable $e) {
            $this->log('Payment log not written', ['error' => $e->getMessage(), 'log' => $logData]);
            return null;
        }
        if ($response['error'] !== '' || $response['status'] < 200 || $response['status'] >= 300) {
            $this->log('Payment log not written', [
                'error' => $response['error'] !== '' ? $response['error'] : 'HTTP ' . $response['status'],
                'log' => $logData,
            ]);
            return null;
        }
        $stored = json_decode($response['body'], true);
        return is_array($stored) ? $stored : [];
    }

    /**
     * The guide's contract has no status endpoint: a status change is recorded as a payment log row
     * (operation_type "status") under the seller's BIN. Never throws.
     */
    public function updatePaymentStatus($shopId, $externalId, $status, $errorMessage = null): ?array
    {
        try {
            $bin = (string) $this->getPaymentConfig($shopId)['organization_bin'];
        } catch (\Throwable $e) {
            $this->log('Payment status not written: no config', ['shop_id' => $shopId, 'error' => $e->getMessage()]);
            return null;
        }
        $log = [
            'shop_id' => (int) $shopId,
            'organization_bin' => $bin,
            'operation_type' => 'status',
            'external_id' => (string) $externalId,
            'status' => (string) $status,
            'provider' => 'kaspi',
        ];
        if ($errorMessage !== null) {
            $log['error_message'] = mb_substr((string) $errorMessage, 0, 500);
        }
        return $this->createPaymentLog($log);
    }

    public function healthCheck(): bool
    {
        try {
            $response = $this->request('GET', '/health');
            return $response['error'] === '' && $response['status'] === 200;
        } catch (\Throwable) {
            return false;
        }
    }

    /** @return array{status: int, body: string, error: string} */
    private function request(string $method, string $path, ?array $body = null): array
    {
        $headers = ['Accept: application/json'];
        if ($this->apiKey !== null) {
            $headers[] = 'Authorization: Bearer ' . $this->apiKey;
        }
        $ch = curl_init($this->apiUrl . $path);
        $options = [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => self::TIMEOUT_SECONDS,
            CURLOPT_CONNECTTIMEOUT => self::CONNECT_TIMEOUT_SECONDS,
            CURLOPT_FOLLOWLOCATION => false,
        ];
        if ($method === 'POST') {
            $headers[] = 'Content-Type: application/json';
            $options[CURLOPT_POST] = true;
            $options[CURLOPT_POSTFIELDS] = json_encode($body ?? [], JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        }
        $options[CURLOPT_HTTPHEADER] = $headers;
        curl_setopt_array($ch, $options);
        $raw = curl_exec($ch);
        $error = $raw === false ? curl_errno($ch) . ': ' . curl_error($ch) : '';
        $status = (int) curl_getinfo($ch, CURLINFO_HTTP_CODE);
        curl_close($ch);
        if (defined('DEBUG_PAYMENT_SERVICE') && DEBUG_PAYMENT_SERVICE) {
            $this->log('Payment-service request', ['method' => $method, 'url' => $this->apiUrl . $path, 'status' => $status, 'error' => $error]);
        }
        return ['status' => $status, 'body' => is_string($raw) ? $raw : '', 'error' => $error];
    }

    private function log(string $label, array $entry): void
    {
        $entry['time'] = date('c');
        if (class_exists(Debug::class)) {
            Debug::writeToFile($entry, $label, self::LOG_FILE);
        } else {
            error_log($label . ': ' . json_encode($entry, JSON_UNESCAPED_UNICODE));
        }
    }
}
