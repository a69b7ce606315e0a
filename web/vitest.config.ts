import { mergeConfig, defineConfig } from 'vitest/config'
import viteConfig from './vite.config'

// Unit tests of stores, helpers and components (jsdom, no server).
export default mergeConfig(
  viteConfig,
  defineConfig({ test: { environment: 'jsdom', include: ['tests/**/*.test.ts'] } }),
)
