#define F(x, args...) g(x, ##args)
static const struct ops o = { .a = f, [2] = { h, F(1) } };
int __init f(int a) __attribute__((unused));
int f(int a)
{
    for_each_vcpu ( d, v )
        spin_lock(&l);
    switch ( a ) { case 1: goto out; default: break; }
    if ( (rc = g()) != 0 )
        goto out;
out:
    spin_unlock(&l);
    return xzalloc(struct vcpu);
}
int x[] = {{{1}}};
char *s = "\"" 'a';
