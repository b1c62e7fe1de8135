"""Slowloris clients for bench/http/slowloris.sh: N connections to 127.0.0.1:PORT spread
over the source addresses 127.0.0.2.. (SOURCES of them), each starting a request and
trickling one header byte a second, reconnecting when the server closes it. Prints a
status line every 5 s to stderr; runs until killed."""
import asyncio
import resource
import sys
import time

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

PORT, TOTAL, SOURCES = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
stats = {"open": 0, "refused": 0, "closed": 0, "connects": 0}


async def one(source):
    while True:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", PORT, local_addr=(source, 0))
        except OSError:
            await asyncio.sleep(1)
            continue
        stats["connects"] += 1
        stats["open"] += 1
        try:
            writer.write(b"GET /health HTTP/1.1\r\nHost: bench\r\n")
            await writer.drain()
            while True:
                # One byte a second; a reply means 408 or 503: the server is done with us.
                try:
                    data = await asyncio.wait_for(reader.read(4096), timeout=1.0)
                    if data.startswith(b"HTTP/1.1 503"):
                        stats["refused"] += 1
                    stats["closed"] += 1
                    break
                except asyncio.TimeoutError:
                    pass
                writer.write(b"X")
                await writer.drain()
        except (ConnectionError, OSError):
            stats["closed"] += 1
        finally:
            stats["open"] -= 1
            writer.close()


async def report():
    while True:
        await asyncio.sleep(5)
        print(f"slowloris {time.strftime('%H:%M:%S')}: {stats}", file=sys.stderr,
              flush=True)


async def main():
    tasks = [asyncio.create_task(one(f"127.0.0.{2 + i % SOURCES}")) for i in range(TOTAL)]
    tasks.append(asyncio.create_task(report()))
    await asyncio.gather(*tasks)


asyncio.run(main())
