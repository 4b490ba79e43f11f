import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The C server (build/xueji) serves dist/ and the API on one origin, so
// the UI uses relative URLs; during `npm run dev` /api goes to the server.
export default defineConfig({
  base: './',
  plugins: [vue()],
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false }
    }
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/')) return 'vendor'
        }
      }
    }
  }
})
