// Every Dapper call in the daemon goes through Dapper.AOT's build-time interceptors: no reflection.
[module: Dapper.DapperAot]
