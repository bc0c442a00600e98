/** Injection tokens of the api's Nest module (own file: controllers import them, the module imports controllers). */
export const API_CONFIG = Symbol('API_CONFIG');
export const STORES = Symbol('STORES');
