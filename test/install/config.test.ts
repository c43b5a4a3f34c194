import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { generateTokenKey } from '../../src/crypto/token-cipher.ts';

const prodEnv = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://api.prospect-guard.app/',
  HUBSPOT_CLIENT_ID: 'cid',
  HUBSPOT_CLIENT_SECRET: 'a-real-secret-value',
  TOKEN_ENCRYPTION_KEY: generateTokenKey(),
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults in development', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      nodeEnv: 'development', port: 3000, publicBaseUrl: 'http://localhost:3000', dataDir: './data',
      databaseUrl: null, redisUrl: null, tokenKeys: null, hubspotApiBaseUrl: 'https://api.hubapi.com',
      hubspotAuthorizeUrl: 'https://app.hubspot.com/oauth/authorize', logLevel: 'info', hubspotAppId: null, trustProxy: 'loopback',
    });
  });

  it('parses every variable, trims trailing slashes and treats empty strings as unset', () => {
    const c = loadConfig({
      ...prodEnv, PORT: '8080', HUBSPOT_APP_ID: '4242', HUBSPOT_API_BASE_URL: 'http://127.0.0.1:4010/',
      DATABASE_URL: 'postgres://u@h:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', DATA_DIR: '', LOG_LEVEL: 'warn', TRUST_PROXY: '1',
    });
    expect(c).toMatchObject({
      port: 8080, hubspotAppId: 4242, hubspotApiBaseUrl: 'http://127.0.0.1:4010', publicBaseUrl: 'https://api.prospect-guard.app',
      databaseUrl: 'postgres://u@h:5432/db', redisUrl: 'redis://127.0.0.1:6379', dataDir: './data', logLevel: 'warn',
      trustProxy: 1,
    });
    expect(c.tokenKeys?.currentKeyId).toBe('default');
  });

  it('names each malformed variable', () => {
    expect(errorOf({ PORT: 'eighty' }).variables).toEqual(['PORT']);
    expect(errorOf({ PORT: '70000' }).message).toMatch(/PORT/);
    expect(errorOf({ DATABASE_URL: 'mysql://x' }).message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(errorOf({ HUBSPOT_API_BASE_URL: 'ftp://x' }).variables).toEqual(['HUBSPOT_API_BASE_URL']);
    expect(errorOf({ TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=' }).message).toMatch(/TOKEN_ENCRYPTION_KEY: .*32 bytes/);
    expect(errorOf({ LOG_LEVEL: 'loud', NODE_ENV: 'staging' }).variables.sort()).toEqual(['LOG_LEVEL', 'NODE_ENV']);
    expect(errorOf({ TRUST_PROXY: 'yes' }).variables).toEqual(['TRUST_PROXY']);
  });

  it('requires the secrets in production and refuses the development placeholder', () => {
    const missing = errorOf({ NODE_ENV: 'production' });
    expect(missing.variables).toEqual(['PUBLIC_BASE_URL', 'HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY']);
    expect(errorOf({ ...prodEnv, HUBSPOT_CLIENT_SECRET: 'prospect-guard-local-secret' }).variables).toEqual(['HUBSPOT_CLIENT_SECRET']);
    expect(errorOf({ ...prodEnv, PUBLIC_BASE_URL: 'http://example.com' }).variables).toEqual(['PUBLIC_BASE_URL']);
    expect(loadConfig(prodEnv).nodeEnv).toBe('production');
  });
});
