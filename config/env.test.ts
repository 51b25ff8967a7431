import { expect } from 'chai';
import { ConfigError, loadConfig } from './env.ts';

describe('configuration', () => {
  it('uses local defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).to.equal(3000);
    expect(config.MONGODB_URI).to.equal('mongodb://127.0.0.1:27017/dehua_hub');
    expect(config.REDIS_URL).to.equal('redis://127.0.0.1:6379');
    expect(config.HUB_JWT_SECRET.length).to.be.greaterThanOrEqual(32);
  });

  it('names the variable and the fix for a malformed value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
    try {
      loadConfig({ PORT: '70000', MONGODB_URI: 'postgres://x' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems.some((p) => p.startsWith('PORT:') && p.includes('set PORT'))).to.equal(true);
      expect(problems.some((p) => p.startsWith('MONGODB_URI:') && p.includes('mongodb://'))).to.equal(true);
    }
  });

  it('refuses production without a JWT secret or with the default admin password', () => {
    try {
      loadConfig({ NODE_ENV: 'production' });
      expect.fail('should throw');
    } catch (err) {
      const message = (err as Error).message;
      expect(message).to.include('HUB_JWT_SECRET');
      expect(message).to.include('HUB_ADMIN_PASSWORD');
    }
    const ok = loadConfig({ NODE_ENV: 'production', HUB_JWT_SECRET: 'x'.repeat(40), HUB_ADMIN_PASSWORD: 'a-strong-password' });
    expect(ok.HUB_JWT_SECRET).to.equal('x'.repeat(40));
  });

  it('treats an empty variable as unset and checks the mediasoup port range', () => {
    expect(loadConfig({ PORT: '' }).PORT).to.equal(3000);
    expect(() => loadConfig({ MEDIASOUP_MIN_PORT: '50000', MEDIASOUP_MAX_PORT: '40000' })).to.throw(/MEDIASOUP_MIN_PORT/);
  });
});
