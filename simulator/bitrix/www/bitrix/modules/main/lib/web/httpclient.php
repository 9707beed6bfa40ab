<?php
declare(strict_types=1);

namespace Bitrix\Main\Web;

/**
 * Bitrix's HTTP client with its semantics (see bitrix-surface.md): get()/post() return the body or
 * false on a network error; query() returns true whenever any response arrived (4xx/5xx too); an
 * array body is sent form-encoded; getStatus() is 0 without a response; errors come as
 * ['NETWORK' => '...']; disableSslVerification only counts when it is exactly true.
 *
 * Transport difference, on purpose: the real class opens its own sockets and ignores HTTPS_PROXY;
 * here every request goes through curl, so it honours the harness's egress proxy like all other
 * outbound traffic of the stub. Explicit proxy settings (setProxy) are ignored for the same reason.
 */
class HttpClient
{
    public const HTTP_GET = 'GET';
    public const HTTP_POST = 'POST';
    public const HTTP_PUT = 'PUT';
    public const HTTP_HEAD = 'HEAD';
    public const HTTP_PATCH = 'PATCH';
    public const HTTP_DELETE = 'DELETE';
    public const HTTP_OPTIONS = 'OPTIONS';

    private const DEFAULT_USER_AGENT = 'BitrixSM HttpClient class';

    protected int $socketTimeout = 30;
    protected int $streamTimeout = 60;
    protected bool $waitResponse = true;
    protected bool $redirect = true;
    protected int $redirectMax = 5;
    protected bool $sslVerify = true;
    protected HttpHeaders $requestHeaders;
    protected HttpHeaders $responseHeaders;
    protected int $status = 0;
    protected string $result = '';
    /** @var array<string, string> */
    protected array $error = [];
    protected string $effectiveUrl = '';

    public function __construct(?array $options = null)
    {
        $this->requestHeaders = new HttpHeaders();
        $this->responseHeaders = new HttpHeaders();
        $this->setHeader('User-Agent', self::DEFAULT_USER_AGENT);
        $options ??= [];
        if (isset($options['socketTimeout'])) {
            $this->socketTimeout = (int) $options['socketTimeout'];
        }
        if (isset($options['streamTimeout'])) {
            $this->streamTimeout = (int) $options['streamTimeout'];
        }
        if (isset($options['waitResponse'])) {
            $this->waitResponse = (bool) $options['waitResponse'];
        }
        if (isset($options['redirect'])) {
            $this->redirect = (bool) $options['redirect'];
        }
        if (isset($options['redirectMax'])) {
            $this->redirectMax = (int) $options['redirectMax'];
        }
        // Bitrix tests `=== true`: the string "Y" or 1 keeps verification on.
        if (array_key_exists('disableSslVerification', $options) && $options['disableSslVerification'] === true) {
            $this->sslVerify = false;
        }
        foreach ((array) ($options['headers'] ?? []) as $name => $value) {
            $this->setHeader((string) $name, (string) $value);
        }
    }

    public function setHeader($name, $value, $replace = true): static
    {
        if ($replace || $this->requestHeaders->get($name) === null) {
            $this->requestHeaders->set($name, $value);
        }
        return $this;
    }

    public function setHeaders(array $headers): static
    {
        foreach ($headers as $name => $value) {
            $this->setHeader($name, $value);
        }
        return $this;
    }

    public function getRequestHeaders(): HttpHeaders
    {
        return $this->requestHeaders;
    }

    public function setAuthorization($user, $pass): static
    {
        return $this->setHeader('Authorization', 'Basic ' . base64_encode($user . ':' . $pass));
    }

    public function setTimeout($timeout): static
    {
        $this->socketTimeout = (int) $timeout;
        return $this;
    }

    public function setStreamTimeout($timeout): static
    {
        $this->streamTimeout = (int) $timeout;
        return $this;
    }

    public function setRedirect($value, $max = null): static
    {
        $this->redirect = (bool) $value;
        if ($max !== null) {
            $this->redirectMax = (int) $max;
        }
        return $this;
    }

    public function waitResponse($value): static
    {
        $this->waitResponse = (bool) $value;
        return $this;
    }

    /** Ignored: the stub's egress proxy is the only way out (see the class comment). */
    public function setProxy($proxyHost, $proxyPort = null, $proxyUser = null, $proxyPassword = null): static
    {
        return $this;
    }

    /** @return string|false the body, false when no response arrived */
    public function get($url): string|false
    {
        return $this->query(self::HTTP_GET, $url) ? $this->result : false;
    }

    /** @return string|false */
    public function head($url): HttpHeaders|false
    {
        return $this->query(self::HTTP_HEAD, $url) ? $this->responseHeaders : false;
    }

    /** @return string|false the body, false when no response arrived */
    public function post($url, $postData = null, $multipart = false): string|false
    {
        return $this->query(self::HTTP_POST, $url, $postData) ? $this->result : false;
    }

    /** True when any HTTP response arrived, whatever its status. */
    public function query($method, $url, $entityBody = null): bool
    {
        $this->status = 0;
        $this->result = '';
        $this->error = [];
        $this->responseHeaders = new HttpHeaders();
        $method = strtoupper((string) $method);
        $url = (string) $url;
        if (!preg_match('#^https?://#i', $url)) {
            $this->error['URI_PARSE'] = 'Incorrect URI: ' . $url;
            return false;
        }

        $body = null;
        if (is_array($entityBody)) {
            $body = http_build_query($entityBody, '', '&');
            $this->setHeader('Content-Type', 'application/x-www-form-urlencoded', false);
        } elseif ($entityBody !== null) {
            $body = (string) $entityBody;
        }

        $headerLines = [];
        foreach ($this->requestHeaders->toArray() as $entry) {
            foreach ($entry['values'] as $value) {
                $headerLines[] = $entry['name'] . ': ' . $value;
            }
        }
        $ch = curl_init($url);
        $received = $this->responseHeaders;
        $options = [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_CONNECTTIMEOUT => max(1, $this->socketTimeout),
            CURLOPT_TIMEOUT => $this->waitResponse ? max(1, $this->streamTimeout) : max(1, $this->socketTimeout),
            CURLOPT_FOLLOWLOCATION => $this->redirect,
            CURLOPT_MAXREDIRS => $this->redirectMax,
            CURLOPT_SSL_VERIFYPEER => $this->sslVerify,
            CURLOPT_SSL_VERIFYHOST => $this->sslVerify ? 2 : 0,
            CURLOPT_HTTPHEADER => $headerLines,
            CURLOPT_NOBODY => $method === self::HTTP_HEAD,
            // A new header block starts at each redirect: keep only the last response's headers.
            CURLOPT_HEADERFUNCTION => static function ($handle, string $line) use (&$received): int {
                if (preg_match('#^HTTP/\S+\s+\d+#', $line)) {
                    $received->clear();
                } elseif (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $received->add(trim($name), trim($value));
                }
                return strlen($line);
            },
        ];
        if ($body !== null) {
            $options[CURLOPT_POSTFIELDS] = $body;
        }
        curl_setopt_array($ch, $options);
        $raw = curl_exec($ch);
        $this->effectiveUrl = (string) curl_getinfo($ch, CURLINFO_EFFECTIVE_URL);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        if ($raw === false || $status === 0) {
            $this->error['NETWORK'] = curl_error($ch) !== '' ? curl_error($ch) . ' (' . curl_errno($ch) . ')' : 'no response';
            curl_close($ch);
            return false;
        }
        curl_close($ch);
        $this->status = $status;
        $this->result = $this->waitResponse && is_string($raw) ? $raw : '';
        return true;
    }

    public function getStatus(): int
    {
        return $this->status;
    }

    public function getResult(): string
    {
        return $this->result;
    }

    /** @return array<string, string> e.g. ['NETWORK' => '...'] */
    public function getError(): array
    {
        return $this->error;
    }

    public function getHeaders(): HttpHeaders
    {
        return $this->responseHeaders;
    }

    public function getContentType(): ?string
    {
        return $this->responseHeaders->getContentType();
    }

    public function getEffectiveUrl(): string
    {
        return $this->effectiveUrl;
    }
}
