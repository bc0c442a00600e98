import { product } from '@berth/config';
console.log(product);
