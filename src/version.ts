// Kept in step with package.json by hand; read at build time would need a JSON import in dist/.
export const VERSION = "0.1.0";
