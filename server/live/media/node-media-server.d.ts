// node-media-server 2.x ships no types; ingest.ts describes the part it uses.
declare module 'node-media-server';
