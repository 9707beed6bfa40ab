/**
 * The certificate files a team's PHP names by absolute path are found in its sources, so a first run
 * does not fail on a production path the team never declared.
 */
import { describe, expect, it } from 'vitest';
import { certificatePathsIn, generatedFor } from './php-file-discovery.ts';

describe('certificate paths named in PHP', () => {
  it('finds whole paths in constants and option arrays, under /home/ only', () => {
    const source = `<?php
      const CERT = '/home/bitrix/kaspi_certificates/prod/cert.pem';
      curl_setopt($ch, CURLOPT_SSLKEY, "/home/bitrix/kaspi_certificates/prod/key.pem");
      curl_setopt($ch, CURLOPT_CAINFO, '/etc/ssl/certs/ca-certificates.crt');
      $log = '/home/bitrix/www/bitrix/log/kaspi.log';
      $x = "/home/bitrix/$env/cert.pem";`;
    expect(certificatePathsIn(source)).toEqual([
      '/home/bitrix/kaspi_certificates/prod/cert.pem',
      '/home/bitrix/kaspi_certificates/prod/key.pem',
    ]);
  });

  it('joins a directory constant to the file names used with it', () => {
    const source = `<?php
      private const CERT_DIR = '/home/bitrix/kaspi_certificates/prod';
      CURLOPT_SSLCERT => self::CERT_DIR . '/client.crt',
      CURLOPT_SSLKEY => self::CERT_DIR . '/client.key',`;
    expect(certificatePathsIn(source)).toEqual([
      '/home/bitrix/kaspi_certificates/prod/client.crt',
      '/home/bitrix/kaspi_certificates/prod/client.key',
    ]);
  });

  it('makes a key for key files, the server CA for CA files, a certificate for .crt, a certificate with its key for another .pem', () => {
    expect(generatedFor('/home/b/prod/key.pem')).toBe('client-key');
    expect(generatedFor('/home/b/cvety_kz.key.pem')).toBe('client-key');
    expect(generatedFor('/home/b/ca.pem')).toBe('ca-cert');
    expect(generatedFor('/home/b/kaspi-root.crt')).toBe('ca-cert');
    expect(generatedFor('/home/b/cert.pem')).toBe('client-pem');
    expect(generatedFor('/home/b/client.crt')).toBe('client-cert');
  });
});
