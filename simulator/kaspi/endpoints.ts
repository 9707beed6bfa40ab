/**
 * Which Kaspi endpoint exists on which scheme, as the reference's table has it. Handlers and the
 * OpenAPI document are both built from this table, so a path is served exactly where it is
 * documented, and a path not available on a scheme is an unmatched route there.
 */
import type { Scheme } from './types.ts';

export const schemes: readonly Scheme[] = ['r1', 'r2', 'r3'];

export type EndpointId =
  | 'tradePoints'
  | 'deviceRegister'
  | 'deviceDelete'
  | 'qrCreate'
  | 'qrCreateLink'
  | 'paymentStatus'
  | 'paymentStatusV02'
  | 'paymentDetails'
  | 'paymentReturn'
  | 'returnCreate'
  | 'returnStatus'
  | 'returnOperations'
  | 'remoteClientInfo'
  | 'remoteCreate'
  | 'remoteCancel'
  | 'healthPing';

export interface Endpoint {
  method: 'get' | 'post';
  version: 'v01' | 'v02';
  /** Relative to `/{scheme}/{version}`, OpenAPI style (`{param}`). */
  path: string;
  /** r3's variant of the path, when it differs. */
  r3Path?: string;
  schemes: readonly Scheme[];
}

const all = schemes;

export const endpoints: Record<EndpointId, Endpoint> = {
  tradePoints: {
    method: 'get',
    version: 'v01',
    path: '/partner/tradepoints',
    r3Path: '/partner/tradepoints/{organizationBin}',
    schemes: all,
  },
  deviceRegister: { method: 'post', version: 'v01', path: '/device/register', schemes: all },
  deviceDelete: { method: 'post', version: 'v01', path: '/device/delete', schemes: all },
  qrCreate: { method: 'post', version: 'v01', path: '/qr/create', schemes: all },
  qrCreateLink: { method: 'post', version: 'v01', path: '/qr/create-link', schemes: all },
  paymentStatus: { method: 'get', version: 'v01', path: '/payment/status/{QrPaymentId}', schemes: all },
  paymentStatusV02: { method: 'get', version: 'v02', path: '/payment/status/{QrPaymentId}', schemes: all },
  paymentDetails: { method: 'get', version: 'v01', path: '/payment/details', schemes: ['r2', 'r3'] },
  paymentReturn: { method: 'post', version: 'v01', path: '/payment/return', schemes: ['r2', 'r3'] },
  returnCreate: { method: 'post', version: 'v01', path: '/return/create', schemes: ['r2'] },
  returnStatus: { method: 'get', version: 'v01', path: '/return/status/{QrReturnId}', schemes: ['r2'] },
  returnOperations: { method: 'post', version: 'v01', path: '/return/operations', schemes: ['r2'] },
  remoteClientInfo: { method: 'get', version: 'v01', path: '/remote/client-info', schemes: ['r3'] },
  remoteCreate: { method: 'post', version: 'v01', path: '/remote/create', schemes: ['r3'] },
  remoteCancel: { method: 'post', version: 'v01', path: '/remote/cancel', schemes: ['r3'] },
  healthPing: { method: 'get', version: 'v01', path: '/health/ping', schemes: all },
};

export const endpointIds = Object.keys(endpoints) as EndpointId[];

/** `/r3/v01/partner/tradepoints/{organizationBin}` */
export function openApiPath(scheme: Scheme, endpoint: Endpoint): string {
  const path = scheme === 'r3' && endpoint.r3Path !== undefined ? endpoint.r3Path : endpoint.path;
  return `/${scheme}/${endpoint.version}${path}`;
}

/** `*\/r3/v01/partner/tradepoints/:organizationBin`: any host, as msw matches it. */
export function mswPath(scheme: Scheme, endpoint: Endpoint): string {
  return `*${openApiPath(scheme, endpoint).replace(/\{([^}]+)\}/g, ':$1')}`;
}

/** Test emulators: Kaspi's four, plus the simulator's own return-QR scan. */
export const paymentEmulators = ['scan', 'confirm', 'scanerror', 'confirmerror'] as const;
/** A purchase's move as the customer's phone makes it (Kaspi's test emulator). */
export type Transition = (typeof paymentEmulators)[number];
export const returnScanEmulatorPath = '/test/return/scan';
