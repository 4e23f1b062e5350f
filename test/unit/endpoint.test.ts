import { describe, expect, it } from 'vitest';
import { joinEndpoint, publicUrl, splitEndpoint } from '../../src/transport/endpoint.js';

describe('endpoint URL', () => {
  it('splits into origin and base path without a trailing slash, and joins back', () => {
    for (const [url, origin, basePath] of [
      ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000', '/v1'],
      ['https://api.example.com/v1beta/', 'https://api.example.com', '/v1beta'],
      ['http://host:1234', 'http://host:1234', ''],
    ]) {
      expect(splitEndpoint(url)).toEqual({ origin, basePath, query: '' });
      expect(joinEndpoint(splitEndpoint(url))).toBe(origin + basePath);
    }
  });

  it('shows no credentials and no query string', () => {
    expect(publicUrl('https://user:secret@api.example.com/v1/?key=abc')).toBe('https://api.example.com/v1');
  });
});
