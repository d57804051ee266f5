/** @type {import("@sveltejs/vite-plugin-svelte").SvelteConfig} */
export default {
  compilerOptions: {
    // Runes everywhere; Svelte strips the (type-only) TypeScript itself, no preprocessor needed.
    runes: true,
  },
};
