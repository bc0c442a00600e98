/** Injection tokens of the api's Nest module (own file: controllers import them, the module imports controllers). */
export const API_CONFIG = Symbol('API_CONFIG');
export const STORES = Symbol('STORES');
/** GitHubAppCredentials: the App's webhook secret (env, else the encrypted store). */
export const GITHUB_APP = Symbol('GITHUB_APP');
/** AppManifestConversion: exchanges the setup callback's code for the App's credentials. */
export const MANIFEST_CONVERSION = Symbol('MANIFEST_CONVERSION');
