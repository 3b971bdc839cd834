// Express 4 and Koa 2, installed beside Express 5 and Koa 3 under npm aliases for the conformance
// suite. Their own typings would clash with the current majors' in one program; the routes the
// suite builds use only what both majors share, so they borrow the current majors' types.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
