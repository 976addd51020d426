const slack = 'xoxb-my-bot-token';
const google = 'AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const gitlab = 'glpat-####################';
const key = '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----';
const anon = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
