// Command codegen-host is the Python and the Go language host the engine runs for `runtime: python` and `runtime: go`
// programs, installed as pulumi-language-python and as pulumi-language-go: its own name says which.
//
// The only hosts the Go module proxy serves here are the ones inside sdk/v3 (v3.68.0 for Python, v3.60.0 for Go),
// which run programs but answer `GenerateProgram not implemented`, so `pulumi import` cannot print code with them. The
// hosts' own modules, which have that method, are refused by the proxy (403). This host therefore starts that host (the
// file `pulumi-language-<language>-runner` beside this one) and forwards every call to it unchanged, except
// GenerateProgram, which it answers with Pulumi's own program generator of that language (pkg/v3/codegen/python or
// codegen/go) of the CLI's release.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/hashicorp/hcl/v2"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

const generateProgramMethod = "/pulumirpc.LanguageRuntime/GenerateProgram"

// generators are the program generators by language, the part of this host's name after "pulumi-language-".
var generators = map[string]func(*pcl.Program) (map[string][]byte, hcl.Diagnostics, error){
	"python": python.GenerateProgram,
	"go":     gogen.GenerateProgram,
}

// language is the one this host serves, from the name the engine started it by.
var language = strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-language-")

func main() {
	if _, ok := generators[language]; !ok {
		// Under another name (a build not yet installed), -help still answers, as every host does.
		fmt.Fprintf(os.Stderr, "usage: install %s as pulumi-language-python or pulumi-language-go\n", filepath.Base(os.Args[0]))
		if len(os.Args) > 1 && (os.Args[1] == "-help" || os.Args[1] == "--help" || os.Args[1] == "-h") {
			os.Exit(0)
		}
		os.Exit(1)
	}
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-%s: %v\n", language, err)
		os.Exit(1)
	}
}

// serve starts the runner with the engine's arguments, then serves its calls on a port of its own, which it prints
// on stdout as every language host does.
func serve(args []string) error {
	runner, err := runnerPath()
	if err != nil {
		return err
	}
	if len(args) > 0 && (args[0] == "-help" || args[0] == "--help" || args[0] == "-h") {
		cmd := exec.Command(runner, args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd.Run()
	}

	cmd := exec.Command(runner, args...)
	cmd.Stderr = os.Stderr
	cmd.Stdin = os.Stdin
	endWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", runner, err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	lines := bufio.NewReader(out)
	port, err := lines.ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s printed no port: %w", runner, err)
	}
	go func() { _, _ = io.Copy(os.Stdout, lines) }()

	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(frameCodec{}), grpc.MaxCallRecvMsgSize(400<<20)))
	if err != nil {
		return err
	}
	defer conn.Close()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := grpc.NewServer(
		grpc.ForceServerCodec(frameCodec{}),
		grpc.MaxRecvMsgSize(400<<20),
		grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error { return route(conn, stream) }),
	)
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)

	// The engine ends a host by closing its stdin or by a signal; the runner sees the same and exits with it.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	go func() {
		select {
		case <-stop:
		case <-ended:
		}
		server.Stop()
	}()
	return server.Serve(listener)
}

// runnerPath is the sdk/v3 host of the language beside this executable (symlinks resolved).
func runnerPath() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	runner := filepath.Join(filepath.Dir(self), "pulumi-language-"+language+"-runner")
	if _, err := os.Stat(runner); err != nil {
		return "", fmt.Errorf("the %s host that runs programs is missing (%s); run scripts/ensure-pulumi.sh", language, runner)
	}
	return runner, nil
}

// route answers GenerateProgram here and forwards every other call to the runner.
func route(runner *grpc.ClientConn, stream grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(stream)
	if !ok {
		return status.Error(codes.Internal, "no method name on the stream")
	}
	if method == generateProgramMethod {
		return answerGenerateProgram(stream)
	}
	return forward(runner, method, stream)
}

// answerGenerateProgram decodes one request, generates the program in the host's language and sends one response.
func answerGenerateProgram(stream grpc.ServerStream) error {
	var in frame
	if err := stream.RecvMsg(&in); err != nil {
		return err
	}
	var req pulumirpc.GenerateProgramRequest
	if err := proto.Unmarshal(in.data, &req); err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	res, err := generateProgram(&req)
	if err != nil {
		return status.Error(codes.Unknown, err.Error())
	}
	data, err := proto.Marshal(res)
	if err != nil {
		return err
	}
	return stream.SendMsg(&frame{data: data})
}

// generateProgram binds the PCL sources the engine sends, with schemas from the engine's loader, and writes the program.
func generateProgram(req *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()

	parser := syntax.NewParser()
	for name, text := range req.Source {
		if err := parser.ParseFile(strings.NewReader(text), name); err != nil {
			return nil, err
		}
		if parser.Diagnostics.HasErrors() {
			return nil, parser.Diagnostics
		}
	}
	options := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !req.Strict {
		options = append(options, pcl.NonStrictBindOptions()...)
	}
	program, diags, err := pcl.BindProgram(parser.Files, schema.NewCachedLoader(loader), options...)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() || program == nil {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, genDiags, err := generators[language](program)
	if err != nil {
		return nil, err
	}
	diags = append(diags, genDiags...)
	return &pulumirpc.GenerateProgramResponse{Source: files, Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}

// forward relays one call, unary or streaming, to the runner: messages both ways as raw bytes, then its status.
func forward(runner *grpc.ClientConn, method string, stream grpc.ServerStream) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		ctx = metadata.NewOutgoingContext(ctx, md.Copy())
	}
	upstream, err := runner.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method)
	if err != nil {
		return err
	}

	sent := make(chan error, 1)
	go func() {
		for {
			var msg frame
			if err := stream.RecvMsg(&msg); err != nil {
				if errors.Is(err, io.EOF) {
					sent <- upstream.CloseSend()
				} else {
					sent <- err
				}
				return
			}
			if err := upstream.SendMsg(&msg); err != nil {
				sent <- err
				return
			}
		}
	}()

	if header, err := upstream.Header(); err == nil {
		_ = stream.SendHeader(header)
	}
	for {
		var msg frame
		if err := upstream.RecvMsg(&msg); err != nil {
			stream.SetTrailer(upstream.Trailer())
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if err := stream.SendMsg(&msg); err != nil {
			return err
		}
	}
}

// frame is one gRPC message as its encoded bytes.
type frame struct{ data []byte }

// frameCodec passes frames through untouched; it keeps the name "proto" so that the runner accepts the calls.
type frameCodec struct{}

func (frameCodec) Marshal(v any) ([]byte, error) {
	f, ok := v.(*frame)
	if !ok {
		return nil, fmt.Errorf("frameCodec cannot encode %T", v)
	}
	return f.data, nil
}

func (frameCodec) Unmarshal(data []byte, v any) error {
	f, ok := v.(*frame)
	if !ok {
		return fmt.Errorf("frameCodec cannot decode into %T", v)
	}
	f.data = append(f.data[:0], data...)
	return nil
}

func (frameCodec) Name() string { return "proto" }
