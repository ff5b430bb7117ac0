// Every Dapper call in the daemon goes through Dapper.AOT's build-time interceptors: no reflection.
[module: Dapper.DapperAot]
// Every generated command factory derives from ours: the writer connection's statements are prepared once.
[module: Dapper.CommandFactory<OpenMotoko.Storage.PreparedCommandFactory<object>>]
