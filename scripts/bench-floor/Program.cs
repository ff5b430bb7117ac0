// `bench-floor version` prints one line and exits (the floor for `openmotoko version`);
// `bench-floor serve --urls http://127.0.0.1:PORT` answers GET /api/health (the floor for `serve`).
if (args.Length > 0 && args[0] == "version")
{
    Console.Out.WriteLine("bench-floor 1.0");
    return 0;
}
var builder = WebApplication.CreateSlimBuilder(args.Length > 0 && args[0] == "serve" ? args[1..] : args);
var app = builder.Build();
app.MapGet("/api/health", () => "ok");
app.Run();
return 0;
