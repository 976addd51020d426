/*
 * childrun.c — a benchmark's launcher (bench/childrun.py builds and runs it):
 * runs argv[2..] as its child, waits with wait4 and writes
 * "user_us sys_us maxrss_kib exit" to the file argv[1].
 *
 * Why a launcher: a child that Python forks (or vforks) starts with Python's
 * own RSS high-water mark, which survives exec, so ru_maxrss of a small
 * child is Python's size; GNU time avoids that but only reports CPU in
 * 10 ms steps.  This process is small, so its child's peak is its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    struct rusage ru;
    int status;
    pid_t pid;
    FILE *out;

    if (argc < 3) {
        fputs("usage: childrun OUTFILE PROGRAM [ARG...]\n", stderr);
        return 2;
    }
    pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) != pid || (out = fopen(argv[1], "w")) == NULL)
        return 2;
    fprintf(out, "%ld %ld %ld %d\n",
            (long) ru.ru_utime.tv_sec * 1000000L + (long) ru.ru_utime.tv_usec,
            (long) ru.ru_stime.tv_sec * 1000000L + (long) ru.ru_stime.tv_usec, ru.ru_maxrss,
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    fclose(out);
    return 0;
}
