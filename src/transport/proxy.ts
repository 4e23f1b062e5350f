import { BlockList, isIP } from 'node:net';

/**
 * Where a request goes when the environment names an HTTP proxy: the proxy's address, the
 * `proxy-authorization` its URL's credentials make, and how to name it anywhere visible (no credentials).
 */
export interface ProxyRoute {
  host: string;
  port: number;
  /** `Basic base64(user:password)` from the proxy URL, or null. */
  authorization: string | null;
  /** The proxy URL without credentials, e.g. `http://proxy.corp:3128`. */
  label: string;
  /** The environment variable it came from, e.g. `HTTPS_PROXY`. */
  from: string;
  /** The proxy URL as given (credentials included): only for the transports, never printed. */
  url: string;
}

type Env = Record<string, string | undefined>;

/** The first non-empty of these names, lower case before upper case as curl and undici read them. */
function pick(env: Env, names: string[]): [string, string] | null {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return [n, v];
  }
  return null;
}

function proxyVariable(env: Env, protocol: string): [string, string] | null {
  const own = protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  return pick(env, [...own, 'all_proxy', 'ALL_PROXY']);
}

/** A proxy setting read into a route, or the one line saying what is wrong with it. */
function parseProxy(from: string, value: string): ProxyRoute | string {
  let url: URL;
  try {
    // `proxy.corp:3128` without a scheme means http://, as curl reads it
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return `${from}: not a URL; write it as http://host:port (credentials as http://user:password@host:port)`;
  }
  const label = `${url.protocol}//${url.host}`;
  if (url.protocol !== 'http:') return `${from}: a '${url.protocol.slice(0, -1)}' proxy (${label}) is not supported; use an http:// proxy (HTTPS goes through it in a CONNECT tunnel)`;
  const user = decodeURIComponent(url.username);
  const authorization = user || url.password ? `Basic ${Buffer.from(`${user}:${decodeURIComponent(url.password)}`).toString('base64')}` : null;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : 80, authorization, label, from, url: url.href };
}

interface NoProxyRule {
  /** A host name suffix (lower case, no leading dot), an IP literal, or null for a CIDR range. */
  host: string | null;
  cidr: BlockList | null;
  /** 0: any port. */
  port: number;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

function parseRule(entry: string): NoProxyRule | null {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const withPort = bracketed ? null : /^([^:]+):(\d+)$/.exec(entry);
  const name = (bracketed?.[1] ?? withPort?.[1] ?? entry).toLowerCase().replace(/^\*?\./, '');
  const port = Number(bracketed?.[2] ?? withPort?.[2] ?? 0);
  const cidr = /^(.+)\/(\d{1,3})$/.exec(name);
  if (cidr && isIP(cidr[1])) {
    const list = new BlockList();
    const family = isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4';
    try {
      list.addSubnet(cidr[1], Number(cidr[2]), family);
    } catch {
      return null;
    }
    return { host: null, cidr: list, port };
  }
  return name ? { host: name, cidr: null, port } : null;
}

function matches(rule: NoProxyRule, host: string, port: number): boolean {
  if (rule.port && rule.port !== port) return false;
  if (rule.cidr) {
    const family = isIP(host);
    return family !== 0 && rule.cidr.check(host, family === 6 ? 'ipv6' : 'ipv4');
  }
  return host === rule.host || host.endsWith(`.${rule.host}`);
}

/**
 * The proxy a request to `origin` goes through (`route: null`: a direct connection), or the one line
 * saying why the variable that applies cannot be used. Variables (an empty value counts as unset):
 * `https_proxy`/`HTTPS_PROXY` for https targets, `http_proxy`/`HTTP_PROXY` for http ones, then
 * `all_proxy`/`ALL_PROXY`; the lower-case name wins, as in curl and undici. `no_proxy`/`NO_PROXY` (lower
 * case wins) as curl and undici read it: entries separated by commas or spaces; `*` alone turns the proxy
 * off; a name matches itself and every subdomain (a leading `.` or `*.` is ignored); an IP literal
 * matches itself (IPv6 with or without brackets), and a CIDR range (`10.0.0.0/8`, as curl) the addresses
 * in it; `:port` limits an entry to that port; names are never resolved (`localhost` does not cover
 * `127.0.0.1`). One departure, as Go and Chromium: loopback (`localhost`, `*.localhost`, 127.0.0.0/8,
 * ::1) is never proxied, since a proxy would reach its own loopback, not this machine's, unless NO_PROXY
 * holds Chromium's `<-loopback>`.
 */
export function routeFor(origin: string, env: Env): { route: ProxyRoute | null } | { problem: string } {
  const url = new URL(origin);
  const variable = proxyVariable(env, url.protocol);
  if (!variable) return { route: null };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const noProxy = (pick(env, ['no_proxy', 'NO_PROXY'])?.[1] ?? '').split(/[\s,]+/).filter(Boolean);
  if (noProxy.includes('*')) return { route: null };
  if (isLoopback(host) && !noProxy.includes('<-loopback>')) return { route: null };
  const rules = noProxy.filter((e) => e !== '<-loopback>').map(parseRule);
  if (rules.some((r) => r !== null && matches(r, host, port))) return { route: null };
  const route = parseProxy(variable[0], variable[1]);
  return typeof route === 'string' ? { problem: `${route}; or unset it, or list ${host} in NO_PROXY` } : { route };
}

/** `routeFor`'s route, for the transports (the command checked the setting before the run started). */
export function proxyFor(origin: string, env: Env): ProxyRoute | null {
  const r = routeFor(origin, env);
  return 'route' in r ? r.route : null;
}

/** Whether any proxy variable is set (for saying that a client which reads none ignores it). */
export function proxyConfigured(env: Env): string | null {
  return pick(env, ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'])?.[0] ?? null;
}

/** What a leak of the proxy's credentials would look like, for the redactor of server-sent text. */
export function proxySecrets(route: ProxyRoute | null): string[] {
  if (!route?.authorization) return [];
  const url = new URL(route.url);
  const password = decodeURIComponent(url.password);
  return [route.authorization.slice('Basic '.length), `${decodeURIComponent(url.username)}:${password}`, password, url.password];
}
