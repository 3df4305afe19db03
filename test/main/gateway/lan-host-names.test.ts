// LAN mode's Host allowlist, through the real guard (app.inject): bound beyond loopback, the
// machine's interface addresses (every non-internal one for 0.0.0.0 / ::, the bound one
// otherwise) and the names in general_settings.allowed_hosts are accepted as Host; anything else
// still gets 403, and on loopback nothing but the loopback names ever does.
import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { lanHostNames } from '../../../main/gateway/lan-host-names.js';

const MASTER = 'sk-master-lan-hosts-0123456789';
const yaml = (allowed: string[] = []) =>
  `model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n${allowed.length ? `general_settings:\n  allowed_hosts: [${allowed.join(', ')}]\n` : ''}`;

function iface(address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo {
  return family === 'IPv4'
    ? { address, family, internal, netmask: '255.255.255.0', mac: '02:00:00:00:00:01', cidr: `${address}/24` }
    : { address, family, internal, netmask: 'ffff:ffff:ffff:ffff::', mac: '02:00:00:00:00:01', cidr: `${address}/64`, scopeid: 0 };
}
const INTERFACES = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('192.0.2.7', 'IPv4'), iface('fd00::7', 'IPv6')],
  wlan0: [iface('198.51.100.9', 'IPv4')],
};

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(host: string, allowed: string[] = []): Promise<TestGateway> {
  gateway = await startTestGateway(yaml(allowed), { masterKey: MASTER, host, networkInterfaces: () => INTERFACES });
  return gateway;
}

async function statusFor(g: TestGateway, host: string): Promise<number> {
  const res = await g.app.inject({ method: 'GET', url: '/v1/models', headers: { host, authorization: `Bearer ${MASTER}` } });
  if (res.statusCode === 403) expect(res.json().error.code).toBe('forbidden_host');
  return res.statusCode;
}

describe('LAN mode Host allowlist', () => {
  it.each(['0.0.0.0', '::'])('bound to %s, accepts every non-internal interface address and each allowed_hosts name', async (bind) => {
    const g = await start(bind, ['switchboard.lan', 'Studio.Local']);
    for (const host of ['192.0.2.7:80', '[fd00::7]:80', '198.51.100.9:80', 'switchboard.lan:80', 'studio.local:80', 'localhost:80', '127.0.0.1:80']) {
      expect(await statusFor(g, host), host).toBe(200);
    }
  });

  it.each(['evil.example:80', '0.0.0.0:80', '[::]:80', '192.0.2.7:81', 'switchboard.lan.evil.example:80', '192.0.2.8:80'])(
    'bound to 0.0.0.0, still refuses Host %j',
    async (host) => {
      const g = await start('0.0.0.0', ['switchboard.lan']);
      expect(await statusFor(g, host)).toBe(403);
    },
  );

  it('bound to one LAN address, accepts that address and the allowed names, not the other interfaces', async () => {
    const g = await start('192.0.2.7', ['switchboard.lan']);
    expect(await statusFor(g, '192.0.2.7:80')).toBe(200);
    expect(await statusFor(g, 'switchboard.lan:80')).toBe(200);
    expect(await statusFor(g, '198.51.100.9:80')).toBe(403);
  });

  it('bound to loopback, ignores allowed_hosts and never accepts an interface address', async () => {
    const g = await start('127.0.0.1', ['switchboard.lan']);
    expect(await statusFor(g, 'switchboard.lan:80')).toBe(403);
    expect(await statusFor(g, '192.0.2.7:80')).toBe(403);
    expect(await statusFor(g, 'localhost:80')).toBe(200);
    expect(g.logs.join('\n')).toContain('allowed_hosts');
  });

  it('reads the interfaces per request, so an address the machine gains later is accepted', async () => {
    let interfaces: Record<string, NetworkInterfaceInfo[]> = { lo: INTERFACES.lo };
    gateway = await startTestGateway(yaml(), { masterKey: MASTER, host: '0.0.0.0', networkInterfaces: () => interfaces });
    expect(await statusFor(gateway, '192.0.2.7:80')).toBe(403);
    interfaces = INTERFACES;
    expect(await statusFor(gateway, '192.0.2.7:80')).toBe(200);
  });

  it('lists the names for a bind address (what the CLI prints as LAN URLs)', () => {
    expect(lanHostNames('0.0.0.0', INTERFACES, ['box.lan'])).toEqual(['192.0.2.7', '[fd00::7]', '198.51.100.9', 'box.lan']);
    expect(lanHostNames('fd00::7', INTERFACES, [])).toEqual(['[fd00::7]']);
    expect(lanHostNames('127.0.0.1', INTERFACES, ['box.lan'])).toEqual([]);
  });
});
